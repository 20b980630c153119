"""Request bodies over the limit are refused with a 413 before they are read."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from core.requestsize import RequestSizeMiddleware
from tests import factories

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size=-1):
        raise AssertionError("the body was read")

    readline = read


def post_declaring(client, url, length):
    """POST to `url` claiming a body of `length` bytes that nobody may read."""
    return client.generic(
        "POST",
        url,
        CONTENT_LENGTH=str(length),
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        **{"wsgi.input": UnreadableBody()},
    )


def test_documented_limits():
    assert settings.REQUEST_BODY_MAX_BYTES == 1 * MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1 * MB
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 500
    assert settings.UPLOAD_BODY_MAX_BYTES["dashboard:photo"] == 6 * MB
    assert settings.UPLOAD_BODY_MAX_BYTES["dashboard:credential-add"] == 11 * MB


def test_a_huge_anonymous_login_post_is_refused_unread(client, caplog):
    response = post_declaring(client, reverse("login"), 400 * MB)

    assert response.status_code == 413
    assert "at most 1.0 MB" in response.content.decode()
    assert "nothing you sent was saved" in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "security"]
    assert record.event == "request_too_large"


def test_a_body_just_over_the_general_limit_is_refused(client):
    response = post_declaring(client, reverse("accounts:signup"), MB + 1)
    assert response.status_code == 413


def test_a_normal_post_still_works(client):
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url_name", "allowed", "refused"),
    [
        ("dashboard:photo", 6 * MB, 6 * MB + 1),
        ("dashboard:credential-add", 11 * MB, 11 * MB + 1),
    ],
)
def test_upload_pages_accept_up_to_their_own_limit(client, url_name, allowed, refused):
    assert post_declaring(client, reverse(url_name), refused).status_code == 413
    # Within the limit the middleware lets it through (the page itself then
    # reads the body: here, a login redirect for an anonymous visitor).
    middleware = RequestSizeMiddleware(lambda request: "passed on")
    request = RequestFactory().post(reverse(url_name))
    request.META["CONTENT_LENGTH"] = str(allowed)
    assert middleware(request) == "passed on"


def test_the_admin_change_forms_for_therapists_and_credentials_take_uploads(client):
    therapist = factories.make_therapist()
    credential = factories.make_credential(therapist)
    photo = reverse("admin:therapists_therapist_change", args=[therapist.pk])
    evidence = reverse("admin:verification_credential_change", args=[credential.pk])
    other = reverse("admin:auth_user_change", args=[therapist.user.pk])

    assert post_declaring(client, photo, 7 * MB).status_code == 413
    assert post_declaring(client, evidence, 12 * MB).status_code == 413
    assert post_declaring(client, other, 2 * MB).status_code == 413
    assert get_user_model().objects.count() == 1


def chunked_request(body: bytes):
    request = RequestFactory().generic(
        "POST",
        reverse("login"),
        CONTENT_TYPE="application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )
    request.META.pop("CONTENT_LENGTH", None)
    return request


def test_a_chunked_body_over_the_limit_is_refused_while_reading():
    middleware = RequestSizeMiddleware(lambda request: "passed on")
    response = middleware(chunked_request(b"a=" + b"x" * MB))
    assert response.status_code == 413


def test_a_chunked_body_within_the_limit_is_read_as_usual():
    middleware = RequestSizeMiddleware(lambda request: dict(request.POST))
    assert middleware(chunked_request(b"a=1&b=2")) == {"a": ["1"], "b": ["2"]}


def test_a_20_mb_photo_gets_a_clear_413_page_and_nothing_is_stored(client, settings):
    therapist = factories.make_therapist()
    client.force_login(therapist.user)
    upload = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20 * MB)

    response = client.post(reverse("dashboard:photo"), {"photo": upload})

    assert response.status_code == 413
    assert "at most 6.0 MB" in response.content.decode()
    therapist.refresh_from_db()
    assert not therapist.photo
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.jpg"))
