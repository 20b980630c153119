"""Log lines as JSON, one per event, each with its request id and user id.

`settings.LOGGING` sends every record through `RequestContextFilter` and
`JsonFormatter` to stderr. A line holds the time, level, logger, event name and
message, the request's id (null outside a request) and the run's id (one per
process, or per task when a worker starts one with `new_run()`), the request's
method, path and user id, the traceback if any, and
the record's own simple extras (`extra={"event": "rate_limited", ...}`). Never a
request body, a password, a token or what a client wrote: extras with a
sensitive name are masked, objects such as the request are left out, and the
tokens in confirmation and password-reset paths are masked.
"""

import json
import logging
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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

current_run: ContextVar[str | None] = ContextVar("current_run", default=None)
# The process's own run id, made again after a fork (gunicorn's workers, a
# worker pool) so two processes never share one.
process_run: dict[int, str] = {}


def run_id() -> str:
    """The current run's id: the task's when one is running, else the process's."""
    current = current_run.get()
    if current is not None:
        return current
    return process_run.setdefault(os.getpid(), uuid.uuid4().hex)


@contextmanager
def new_run() -> Iterator[str]:
    """Give the lines logged inside (one task, one job) an id of their own."""
    token = current_run.set(uuid.uuid4().hex)
    try:
        yield current_run.get()
    finally:
        current_run.reset(token)


class RequestContextFilter(logging.Filter):
    """Add the run's id, and the current request's id, method, path and user id,
    to each record; outside a request the request id is null, never missing."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.run_id = run_id()
        request = current_request.get()
        if request is None:
            # django.request logs a 4xx/5xx after the middleware has finished,
            # passing the request along.
            request = getattr(record, "request", None)
            if not isinstance(request, HttpRequest):
                request = None
        record.request_id = None
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
