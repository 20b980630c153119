"""What many journeys do the same way."""

import contextlib

from playwright.sync_api import expect

WIDTHS = {"desktop": 1280, "phone": 390}


@contextlib.contextmanager
def desktop_page(browser, base_url: str):
    """A page of its own browser context at desktop width on `base_url`; the
    journey fails if the browser's console reported an error."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": WIDTHS["desktop"], "height": 900}
    )
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and page.console_errors.append(message.text)
        ),
    )
    yield page
    assert page.console_errors == [], "the browser console reported errors"
    context.close()


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
