"""What many journeys do the same way."""

from playwright.sync_api import expect


def log_in(page, email: str, password: str, *, fresh: bool = False) -> None:
    """Log in through the form, as a person does, and wait for the page it
    lands on. `fresh`: someone else was logged in on this browser; start from
    no session at all, and check that the log-in took."""
    if fresh:
        page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if fresh:
        expect(page.get_by_label("Password")).to_have_count(0)
    page.wait_for_load_state()
