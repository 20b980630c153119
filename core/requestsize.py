"""How large a request body may be: refused with a 413 before it is read.

Every body may be `REQUEST_BODY_MAX_BYTES` long; the upload pages named in
`UPLOAD_BODY_MAX_BYTES` (view name -> bytes) may send up to their own limit.
A declared Content-Length over the limit is refused without reading a byte. A
body of unknown length (chunked) is read only up to the limit: one byte more
and it is refused. Django itself would read nothing of it, so within the limit
it is handed on as if its length had been declared.
"""

import io
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

logger = logging.getLogger("security")


class RequestSizeMiddleware:
    """Refuse request bodies over the limit of the URL they are sent to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        limit = settings.REQUEST_BODY_MAX_BYTES
        if length is None:
            limit = body_limit(request)
            # WSGI hands the body over as a stream of unknown length; read one
            # byte past the limit to know whether it is over.
            body = request.environ["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return too_large(request, limit)
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = io.BytesIO(body)  # what Django reads the body from
        elif length > limit:
            limit = body_limit(request)
            if length > limit:
                return too_large(request, limit)
        return self.get_response(request)


def declared_length(request: HttpRequest) -> int | None:
    """The body's declared length; None when it is sent without one (chunked)."""
    value = request.META.get("CONTENT_LENGTH")
    if not value:
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        return None if chunked else 0
    try:
        return max(int(value), 0)
    except ValueError:
        return 0  # as Django reads it: no body


def body_limit(request: HttpRequest) -> int:
    """The most bytes a body sent to this URL may have."""
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        view_name = None
    return settings.UPLOAD_BODY_MAX_BYTES.get(
        view_name, settings.REQUEST_BODY_MAX_BYTES
    )


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    logger.warning(
        "request body too large",
        extra={"event": "request_too_large", "path": request.path, "limit": limit},
    )
    return HttpResponse(
        render_to_string("413.html", {"limit_mb": round(limit / 1024 / 1024, 1)}),
        status=413,
    )
