"""Django's message storage (a cookie, then the session), with the cookie
named like the session's: `__Host-messages` whenever cookies are secure."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage


class PrefixedCookieStorage(CookieStorage):
    @property
    def cookie_name(self) -> str:
        return "__Host-messages" if settings.SESSION_COOKIE_SECURE else "messages"


class PrefixedFallbackStorage(FallbackStorage):
    storage_classes = (PrefixedCookieStorage, SessionStorage)
