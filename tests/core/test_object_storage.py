"""Photos, evidence and the open-data zip in S3-compatible buckets.

A moto S3 server runs in this process on a free loopback port (no network, no
service to start), and each test points STORAGES at its two buckets, as
DJANGO_S3_BUCKET and DJANGO_S3_PRIVATE_BUCKET do. Local disk, the default, is
what every other test uses.
"""

import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.data import delete_account
from core.storage import private_storage
from hsds import download
from tests import factories
from verification import evidence as evidence_pages
from verification.models import Credential

moto_server = pytest.importorskip(
    "moto.moto_server.threaded_moto_server",
    reason="moto[server] (requirements-dev.txt) runs the S3 server these tests use",
)

PUBLIC = "backcare-public"
PRIVATE = "backcare-private"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
# A direct opener: a proxy configured on the machine must not see loopback calls.
ANONYMOUS = urllib.request.build_opener(urllib.request.ProxyHandler({}))

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of a moto S3 server holding the two (empty at first) buckets."""
    import boto3

    server = moto_server.ThreadedMotoServer(
        ip_address="127.0.0.1", port=0, verbose=False
    )
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    for bucket in (PUBLIC, PRIVATE):
        client.create_bucket(Bucket=bucket)
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch, tmp_path):
    """STORAGES as the settings make them with both buckets; a boto3 client."""
    import boto3

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    # Only this test's credentials: nothing from ~/.aws or a proxy.
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-creds"))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    settings.STORAGES = {
        **settings.STORAGES,
        **bucket_storages(s3_endpoint),
    }
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")


def bucket_storages(endpoint: str) -> dict:
    """STORAGES' default and private aliases, from the settings module itself."""
    env = {
        **os.environ,
        **CREDENTIALS,
        "DJANGO_SETTINGS_MODULE": "directory.settings",
        "DJANGO_S3_BUCKET": PUBLIC,
        "DJANGO_S3_PRIVATE_BUCKET": PRIVATE,
        "DJANGO_S3_ENDPOINT_URL": endpoint,
        "DJANGO_S3_REGION": "us-east-1",
    }
    return _settings_storages(env)


_made: dict[str, dict] = {}


def _settings_storages(env: dict) -> dict:
    """settings.STORAGES's default and private aliases, and the CSP's img-src,
    as a fresh process sees them with this environment (once per environment:
    a process costs ~1 s)."""
    key = json.dumps({k: env.get(k) for k in sorted(env) if "S3" in k})
    if key not in _made:
        script = (
            "import json; from django.conf import settings; "
            "print(json.dumps({k: settings.STORAGES[k] "
            "for k in ('default', 'private')} "
            "| {'img-src': settings.SECURE_CSP['img-src']}))"
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=django_settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        _made[key] = json.loads(result.stdout)
    return _made[key]


def anonymous_get(url: str) -> tuple[int, bytes]:
    """Fetch a URL as a visitor would: no credentials, no signature."""
    try:
        with ANONYMOUS.open(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def stored(client, bucket: str, name: str) -> bytes | None:
    """The object's bytes, or None when the bucket has no such key."""
    try:
        return client.get_object(Bucket=bucket, Key=name)["Body"].read()
    except client.exceptions.NoSuchKey:
        return None


def jpeg_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "me.jpg", factories.make_jpeg_bytes((1200, 900)), content_type="image/jpeg"
    )


def add_credential(client, pdf: bytes) -> Credential:
    """Submit a credential with PDF evidence through the dashboard."""
    response = client.post(
        reverse("dashboard:credential-add"),
        {
            "kind": Credential.Kind.STATE_LICENCE,
            "issuer": "New York State Education Department",
            "number": "MT-123456",
            "jurisdiction": "ny",
            "issued_on": "2020-01-15",
            "expires_on": "2099-01-15",
            "evidence": SimpleUploadedFile("licence.pdf", pdf, "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Credential.objects.get(evidence__startswith="credentials/evidence/")


# --- settings --------------------------------------------------------------------


def test_without_buckets_files_stay_on_local_disk():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_S3_")} | {
        "DJANGO_SETTINGS_MODULE": "directory.settings"
    }
    storages = _settings_storages(env)
    assert storages["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert storages["private"] == {"BACKEND": "core.storage.PrivateMediaStorage"}
    assert storages["img-src"] == django_settings.SECURE_CSP["img-src"]


def test_the_buckets_come_from_the_environment_without_credentials(s3_endpoint):
    storages = bucket_storages(s3_endpoint)
    public, private = storages["default"], storages["private"]
    assert public["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"]["bucket_name"] == PUBLIC
    assert public["OPTIONS"]["default_acl"] == "public-read"
    assert public["OPTIONS"]["querystring_auth"] is False
    assert private["BACKEND"] == "core.s3.PrivateS3Storage"
    assert private["OPTIONS"]["bucket_name"] == PRIVATE
    for options in (public["OPTIONS"], private["OPTIONS"]):
        assert options["endpoint_url"] == s3_endpoint
        assert options["region_name"] == "us-east-1"
        # Keys are read from the environment by boto3, never kept in settings.
        assert "testing" not in json.dumps(options)
    # Pages may show photos from the bucket, and from nowhere else new.
    assert storages["img-src"] == [
        *django_settings.SECURE_CSP["img-src"],
        s3_endpoint,
    ]


# --- photos: the public bucket -----------------------------------------------------


def test_a_photo_uploaded_on_the_dashboard_is_served_from_the_public_bucket(
    s3, s3_endpoint, client, therapist
):
    client.force_login(therapist.user)
    response = client.post(reverse("dashboard:photo"), {"photo": jpeg_upload()})
    assert response.status_code == 302
    therapist.refresh_from_db()
    for file in (therapist.photo, therapist.photo_thumbnail):
        body = stored(s3, PUBLIC, file.name)
        assert body is not None and body.startswith(b"\xff\xd8")
        assert file.url == f"{s3_endpoint}/{PUBLIC}/{file.name}"
        # Public and unsigned: a visitor's browser fetches it as it is.
        assert anonymous_get(file.url) == (200, body)
    assert not list((Path(django_settings.MEDIA_ROOT)).rglob("*.jpg"))


def test_a_replaced_photo_leaves_the_bucket_only_once_committed(
    s3, client, therapist, django_capture_on_commit_callbacks
):
    factories.add_photo(therapist)
    old = [therapist.photo.name, therapist.photo_thumbnail.name]
    client.force_login(therapist.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("dashboard:photo"), {"photo": jpeg_upload()})
    # Not yet committed: a rollback would still point at the old objects.
    assert all(stored(s3, PUBLIC, name) is not None for name in old)
    for callback in callbacks:
        callback()
    therapist.refresh_from_db()
    assert all(stored(s3, PUBLIC, name) is None for name in old)
    assert stored(s3, PUBLIC, therapist.photo.name) is not None


# --- evidence: the private bucket --------------------------------------------------


def test_evidence_lands_in_the_private_bucket_and_no_visitor_can_read_it(
    s3, s3_endpoint, client, therapist
):
    pdf = factories.make_pdf_bytes("Licence MT-123456")
    client.force_login(therapist.user)
    credential = add_credential(client, pdf)

    name = credential.evidence.name
    assert stored(s3, PRIVATE, name) == pdf
    assert stored(s3, PUBLIC, name) is None
    assert not Path(django_settings.PRIVATE_MEDIA_ROOT).exists()
    acl = s3.get_object_acl(Bucket=PRIVATE, Key=name)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
    # Straight from the bucket, unsigned: refused.
    assert anonymous_get(f"{s3_endpoint}/{PRIVATE}/{name}")[0] == 403
    # And the site never makes a URL for it, signed or not.
    with pytest.raises(ValueError):
        _ = credential.evidence.url
    with pytest.raises(ValueError):
        private_storage.url(name)


def test_the_checked_view_streams_evidence_from_the_bucket_to_owner_and_staff(
    s3, client, therapist, other_therapist
):
    pdf = factories.make_pdf_bytes("Licence MT-654321")
    client.force_login(therapist.user)
    credential = add_credential(client, pdf)
    url = reverse("dashboard:credential-evidence", kwargs={"pk": credential.pk})
    staff = factories.make_staff_user(permissions=["verification.view_credential"])
    plain_staff = factories.make_staff_user()

    for user in (therapist.user, staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "private, no-store"
    for user in (other_therapist.user, plain_staff):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the log-in page

    # A file gone from the bucket is a 404, not an error page.
    s3.delete_object(Bucket=PRIVATE, Key=credential.evidence.name)
    client.force_login(therapist.user)
    assert client.get(url).status_code == 404


def test_staff_see_evidence_pages_rendered_from_the_bucket(s3, client, therapist):
    client.force_login(therapist.user)
    credential = add_credential(client, factories.make_pdf_bytes("Page one"))
    assert evidence_pages.page_count(credential.evidence) == 1
    assert evidence_pages.page_png(credential.evidence, 1).startswith(b"\x89PNG")


def test_deleting_an_account_removes_its_objects_from_both_buckets(
    s3, client, therapist, django_capture_on_commit_callbacks
):
    factories.add_photo(therapist)
    client.force_login(therapist.user)
    credential = add_credential(client, factories.make_pdf_bytes())
    objects = [
        (PUBLIC, therapist.photo.name),
        (PUBLIC, therapist.photo_thumbnail.name),
        (PRIVATE, credential.evidence.name),
    ]
    assert all(stored(s3, *where) is not None for where in objects)
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=therapist.user)
    assert all(stored(s3, *where) is None for where in objects)


# --- the open-data zip -------------------------------------------------------------


def test_the_hsds_zip_is_built_into_the_bucket_and_served_from_it(
    s3, client, therapist
):
    factories.make_location(therapist)
    response = client.get(reverse("hsds:download"))
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(served)).testzip() is None
    assert stored(s3, PUBLIC, download.NAME) == served
    assert not Path(django_settings.MEDIA_ROOT).exists()

    found = download.current()
    assert found.fresh() and found.size == len(served)
    again = client.get(reverse("hsds:download"))
    assert again["Last-Modified"] == response["Last-Modified"]

    # A rebuild replaces the object under the same name: nothing piles up.
    download.build(django_settings.SITE_ADDRESS)
    listed = s3.list_objects_v2(Bucket=PUBLIC, Prefix="open-data/")["Contents"]
    assert [entry["Key"] for entry in listed] == [download.NAME]
    assert default_storage.exists(download.NAME)


def test_the_private_alias_follows_overridden_storages(s3, settings):
    field = Credential._meta.get_field("evidence")
    assert field.storage.bucket_name == PRIVATE
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "core.storage.PrivateMediaStorage"},
    }
    assert field.storage.path("x") == os.path.join(
        os.path.abspath(settings.PRIVATE_MEDIA_ROOT), "x"
    )
