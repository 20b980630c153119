"""Log lines as JSON, one per event, each with its request id and user id.

`settings.LOGGING` sends every record through `RequestContextFilter` and
`JsonFormatter` to stderr. A line holds the time, level, logger, event name and
message, the request's id, method, path and user id, the traceback if any, and
the record's own simple extras (`extra={"event": "rate_limited", ...}`). Never a
request body, a password, a token or what a client wrote: extras with a
sensitive name are masked, objects such as the request are left out, and the
tokens in confirmation and password-reset paths are masked.
"""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

current_request: ContextVar[HttpRequest | None] = ContextVar(
    "current_request", default=None
)

# The attributes every LogRecord has; anything else came from `extra=`.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
SENSITIVE_NAME = re.compile(
    r"pass|secret|token|key|auth|cookie|session|csrf|signature|body|bio|note|"
    r"health|condition|answer|question|text|message",
    re.IGNORECASE,
)
MASK = "[masked]"
# /accounts/confirm/<uid>/<token>/ and /accounts/reset/<uid>/<token>/
TOKEN_IN_PATH = re.compile(r"(/(?:confirm|reset)/)[^/\s]+/[^/\s]+")
SIMPLE_TYPES = (str, int, float, bool, type(None))


class RequestContextFilter(logging.Filter):
    """Add the current request's id, method, path and user id to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request.get()
        if request is not None:
            record.request_id = getattr(request, "request_id", None)
            record.method = request.method
            record.path = request.path
            record.user_id = user_id(request)
        return True


def user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, if the request has already loaded its user."""
    user = vars(request).get("user")
    if isinstance(user, SimpleLazyObject):
        # Not loaded yet: loading it here would query the database from
        # inside logging, perhaps while handling a database error.
        user = vars(request).get("_cached_user")
    return getattr(user, "pk", None)


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "event": getattr(record, "event", None),
            "message": mask_tokens(record.getMessage()),
        }
        for name, value in vars(record).items():
            if name in STANDARD_ATTRIBUTES or name in line:
                continue
            if not isinstance(value, SIMPLE_TYPES):
                continue  # the request, a response: never their contents
            if SENSITIVE_NAME.search(name) and name != "request_id":
                value = MASK
            elif name == "path" and isinstance(value, str):
                value = mask_tokens(value)
            line[name] = value
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["traceback"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)


def mask_tokens(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[masked]/[masked]", text)
