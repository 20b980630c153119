import pytest
from django.core.cache import caches
from django.db import connection, transaction

from tests import factories
from therapists import fulltext


@pytest.fixture(autouse=True)
def isolated_storage(settings, tmp_path):
    """Uploaded and private files go to a per-test folder; the cache starts empty."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # Tests talk plain HTTP to the test client and render {% static %} without
    # running collectstatic first.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    # Real password hashing costs ~0.3 s per user; tests do not need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The site's cache is a database table shared by every worker; here each
    # test gets an empty one in memory, so query counts show the page's own
    # queries (tests/therapists/test_ranking.py checks the shared table).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "read-limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "cards": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def mail_sent_as_on_a_committed_site(monkeypatch):
    """core.notifications mails once the change commits; a test's own wrapping
    transaction never commits. Outside the site's own transactions mail goes at
    once, as it does on the real site; inside one it still waits for the commit
    (django_capture_on_commit_callbacks runs it)."""

    def on_commit(func, using=None, robust=False):
        if all(block._from_testcase for block in connection.atomic_blocks):
            func()
        else:
            transaction.on_commit(func, using=using, robust=robust)

    monkeypatch.setattr("core.notifications.on_commit", on_commit)


@pytest.fixture(autouse=True)
def spelled_words_forgotten():
    """Free text remembers the words it spelled out by the full-text index's
    structure record (therapists.fulltext.SPELLED); a later test's index,
    rolled back to empty and written again, may repeat an earlier one's."""
    fulltext.SPELLED.clear()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Tasks (every mail) run inside the test as they are queued; the worker's
    own tests (tests/core/test_mail_tasks.py) switch to the database queue."""
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture
def page_cache_off(settings):
    """Every profile rendered, none kept (profiles.page_cache): for tests of
    what rendering costs. The version lookup still runs."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


@pytest.fixture
def client_user(db):
    """A person looking for a therapist, with an account."""
    return factories.make_user(username="client")


@pytest.fixture
def therapist(db):
    return factories.make_therapist(display_name="Dana Owner", slug="dana-owner")


@pytest.fixture
def other_therapist(db):
    return factories.make_therapist(display_name="Olive Other", slug="olive-other")


@pytest.fixture
def staff_user(db):
    return factories.make_user(username="staffer", is_staff=True, is_superuser=True)
