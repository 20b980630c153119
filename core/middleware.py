"""Session and header hardening every response goes through (settings.MIDDLEWARE)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils.cache import patch_cache_control

STAFF_LAST_SEEN = "staff_last_seen"
# Writing the time on every request would save the session on every request;
# a minute's precision is plenty for a 30-minute limit.
LAST_SEEN_PRECISION = 60


@receiver(user_logged_out, dispatch_uid="core.middleware.mark_logged_out")
def mark_logged_out(sender, request, user=None, **kwargs):
    """Whatever logged the user out (the log-out button, the admin's, deleting the
    account, the idle limit), the response clears the browser's copy of the site."""
    if request is not None and user is not None:
        request.logged_out = True


class StaffIdleTimeoutMiddleware:
    """Log a staff member out after STAFF_SESSION_IDLE_SECONDS without a request;
    their session can approve credentials and moderate reviews."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie nobody is logged in: no need to load the user.
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES
        user = request.user
        if signed_in and user.is_authenticated and (user.is_staff or user.is_superuser):
            now = int(time.time())
            last_seen = request.session.get(STAFF_LAST_SEEN)
            idle_limit = settings.STAFF_SESSION_IDLE_SECONDS
            if last_seen is not None and now - last_seen > idle_limit:
                logout(request)
                messages.info(
                    request,
                    f"You were logged out after {idle_limit // 60} minutes without "
                    "activity. Please log in again.",
                )
            elif last_seen is None or now - last_seen >= LAST_SEEN_PRECISION:
                request.session[STAFF_LAST_SEEN] = now
        return self.get_response(request)


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` on any
    response to a request carrying a session (logged-in pages, the data export)
    or setting one; Clear-Site-Data when the request logged someone out."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.permissions_policy)
        session_cookie = settings.SESSION_COOKIE_NAME
        logged_out = getattr(request, "logged_out", False)
        if (
            session_cookie in request.COOKIES
            or session_cookie in response.cookies
            or logged_out
        ):
            patch_cache_control(response, private=True, no_store=True)
        if logged_out:
            response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response
