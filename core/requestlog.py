"""Each request gets an id that its log lines carry (core.logging) and that the
response names in `X-Request-ID`, so a person reporting an error can quote it.
A refusal (403: a permission or a CSRF check) is logged as a security event."""

import logging
import re
import uuid

from django.http import HttpRequest, HttpResponse

from core.logging import current_request

security = logging.getLogger("security")
# An id set by the proxy in front is kept when it looks like one.
INCOMING_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = (
            incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        )
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                security.warning(
                    "request refused",
                    extra={"event": "permission_denied", "status_code": 403},
                )
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            current_request.reset(token)
