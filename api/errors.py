"""Every error the API answers, in one shape: {"detail": "...", "errors": {...}}.

`detail` always says what went wrong in words; `errors` (400 only) maps each
bad parameter to its messages, as TherapistFilter words them for the search
page, so that a client can show them beside the field.
"""

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

INVALID = "Some parameters are not valid: see `errors`."


class InvalidParameters(exceptions.APIException):
    """A 400 carrying each bad parameter's messages."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = INVALID
    default_code = "invalid"

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(INVALID)
        self.errors = errors


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler (status, Retry-After on 429, Allow on 405), our body."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500, logged with its traceback
    body = {"detail": str(getattr(exc, "detail", "")) or INVALID}
    if isinstance(exc, InvalidParameters):
        body["errors"] = exc.errors
    elif isinstance(exc, exceptions.ValidationError):
        body = {"detail": INVALID, "errors": _as_lists(exc.detail)}
    response.data = body
    return response


def _as_lists(detail) -> dict[str, list[str]]:
    """DRF's ValidationError detail as {field: [message, ...]}."""
    if isinstance(detail, dict):
        return {
            str(name): [str(m) for m in (v if isinstance(v, list) else [v])]
            for name, v in detail.items()
        }
    messages = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [str(m) for m in messages]}
