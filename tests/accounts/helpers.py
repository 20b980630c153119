"""What the account tests read back from pages and emails."""

import html
import re
from urllib.parse import urlsplit

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-fresh-staple-lamp-42"


def field_error(response, field: str) -> str:
    """The error text shown next to one form field, or "" when there is none."""
    match = re.search(
        rf'id="id_{field}_error">(.*?)</p>', response.content.decode(), re.DOTALL
    )
    return html.unescape(match.group(1)) if match else ""


def link_in(message) -> str:
    """The path of the one link in a plain-text email."""
    (url,) = re.findall(r"https?://\S+", message.body)
    return urlsplit(url).path


def logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")
