"""A small HTTP client for the cluster: a person's browser, as far as cookies
and forms go."""

import http.cookiejar
import re

import requests

# With debug off the cookies are Secure and __Host- prefixed; the cluster
# speaks plain HTTP on loopback, where browsers send them all the same.
SESSION_COOKIE = "__Host-sessionid"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT = 15


class LoopbackBrowser(requests.Session):
    """Sends Secure cookies over loopback HTTP too, and skips any proxy."""

    def __init__(self):
        super().__init__()
        self.trust_env = False
        self.cookies.set_policy(
            http.cookiejar.DefaultCookiePolicy(secure_protocols=("http", "https"))
        )

    def prepare_request(self, request):
        prepared = super().prepare_request(request)
        # requests copies the jar without its policy: ask the jar itself.
        header = requests.cookies.get_cookie_header(self.cookies, prepared)
        if header:
            prepared.headers["Cookie"] = header
        return prepared


def browser() -> requests.Session:
    return LoopbackBrowser()


def form_token(session: requests.Session, url: str) -> str:
    """The CSRF token of the form on the page at `url`."""
    page = session.get(url, timeout=TIMEOUT)
    page.raise_for_status()
    return CSRF_FIELD.search(page.text).group(1)


def post_form(
    session: requests.Session, url: str, data: dict, files=None, token=None
) -> requests.Response:
    """Submit the form at `url` as a browser would (not following redirects)."""
    token = token or form_token(session, url)
    return session.post(
        url,
        data={"csrfmiddlewaretoken": token, **data},
        files=files,
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def log_in(session: requests.Session, base: str, email: str, password: str) -> None:
    answer = post_form(
        session,
        f"{base}/accounts/login/",
        {"username": email, "password": password},
    )
    assert answer.status_code == 302, answer.text[:300]
