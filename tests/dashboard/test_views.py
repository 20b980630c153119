"""The therapist's dashboard, used by its owner: what it saves, what it refuses
and what the therapist sees. Who may use it at all: test_dashboard_permissions.py."""

import datetime
import html
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from PIL import ExifTags, Image

from tests import factories
from therapists.forms import TechniqueFormSet
from therapists.models import Therapist
from verification.models import Credential

pytestmark = pytest.mark.django_db

HOME_URL = reverse("dashboard:home")
PROFILE_URL = reverse("dashboard:profile")
PHOTO_URL = reverse("dashboard:photo")
PHOTO_DELETE_URL = reverse("dashboard:photo-delete")
TECHNIQUES_URL = reverse("dashboard:techniques")
LOCATION_ADD_URL = reverse("dashboard:location-add")
CREDENTIAL_ADD_URL = reverse("dashboard:credential-add")
PUBLISH_URL = reverse("dashboard:publish")
SEARCH_URL = reverse("therapists:list")
PREFIX = TechniqueFormSet.get_default_prefix()


@pytest.fixture
def owner(client, therapist):
    """The conftest therapist, signed in."""
    client.force_login(therapist.user)
    return therapist


def today() -> datetime.date:
    return timezone.localdate()


def days_from_today(days: int) -> datetime.date:
    return today() + datetime.timedelta(days=days)


def field_error(response, field: str) -> str:
    """The error shown right under one field's input, as the user reads it."""
    match = re.search(
        rf'<p class="field__error" id="id_{re.escape(field)}_error">(.*?)</p>',
        response.content.decode(),
        re.DOTALL,
    )
    return html.unescape(match[1]) if match else ""


def page_notices(response) -> str:
    """The text of the page's alert boxes (form-wide errors)."""
    boxes = re.findall(
        r'<div class="notice notice--error" role="alert">(.*?)</div>',
        response.content.decode(),
        re.DOTALL,
    )
    return html.unescape(" ".join(boxes))


def shown_value(response, name: str) -> str | None:
    """What an input or textarea holds when the page comes back."""
    page = response.content.decode()
    textarea = re.search(
        rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S
    )
    if textarea:
        return html.unescape(textarea[1])
    value = re.search(rf'<input [^>]*name="{name}" value="([^"]*)"', page)
    return html.unescape(value[1]) if value else None


def messages_shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def stored_files() -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return sorted(path for root in roots for path in root.rglob("*") if path.is_file())


def state(therapist: Therapist) -> dict:
    """Everything the dashboard could change about one therapist."""
    return {
        "therapist": Therapist.objects.filter(pk=therapist.pk).values().get(),
        "languages": sorted(therapist.languages.values_list("code", flat=True)),
        "conditions": sorted(therapist.conditions.values_list("slug", flat=True)),
        "techniques": list(therapist.technique_links.order_by("pk").values()),
        "locations": list(therapist.locations.order_by("pk").values()),
        "credentials": list(
            Credential.objects.filter(therapist=therapist).order_by("pk").values()
        ),
        "files": stored_files(),
    }


# --- profile --------------------------------------------------------------------


def profile_data(**overrides) -> dict:
    data = {
        "display_name": "Dana Typed",
        "pronouns": "she/her",
        "gender": "woman",
        "headline": "Quillbrook method for stubborn low back pain",
        "bio": "I combine trigger point work with home exercises.",
        "years_in_practice": "15",
        "back_pain_years": "11",
        "back_pain_caseload_percent": "80",
        "conditions": [
            factories.condition("sciatica").pk,
            factories.condition("herniated-disc").pk,
        ],
        # Prices have their own page (test_pricing_views.py); a price sent
        # here is ignored.
        "session_price": "135",
        # accepting_new_clients left unticked: the therapist is full.
        "offers_mobile_visits": "on",
        "access": ["step-free", "scent-free"],
        "languages": ["en", "es"],
    }
    data.update(overrides)
    return data


def test_profile_editor_saves_every_field_and_confirms_details(client, owner):
    owner.details_confirmed_on = days_from_today(-200)
    owner.save()
    assert not Therapist.objects.search("Quillbrook").exists()

    response = client.post(PROFILE_URL, profile_data(), follow=True)

    assert response.redirect_chain == [(HOME_URL, 302)]
    assert "Your profile is saved." in messages_shown(response)
    owner.refresh_from_db()
    assert owner.display_name == "Dana Typed"
    assert owner.pronouns == "she/her"
    assert owner.gender == "woman"
    assert owner.headline == "Quillbrook method for stubborn low back pain"
    assert owner.bio == "I combine trigger point work with home exercises."
    assert owner.years_in_practice == 15
    assert owner.back_pain_years == 11
    assert owner.back_pain_caseload_percent == 80
    assert owner.session_price == 120  # unchanged: the prices page sets it
    assert owner.accepting_new_clients is False
    assert owner.offers_mobile_visits is True
    assert owner.access_codes == ["step-free", "scent-free"]
    assert owner.wheelchair_accessible is True
    assert owner.details_confirmed_on == today()
    assert sorted(owner.languages.values_list("code", flat=True)) == ["en", "es"]
    assert sorted(owner.conditions.values_list("slug", flat=True)) == [
        "herniated-disc",
        "sciatica",
    ]
    assert list(Therapist.objects.search("Quillbrook")) == [owner]
    assert "Quillbrook method" in response.content.decode()


def test_profile_editor_replaces_languages_rather_than_adding_to_them(client, owner):
    factories.add_language(owner, "fr")
    factories.add_language(owner, "en")

    client.post(PROFILE_URL, profile_data(languages=["en", "de"]))

    assert sorted(owner.languages.values_list("code", flat=True)) == ["de", "en"]


BAD_PROFILE_INPUT = [
    pytest.param(
        {"years_in_practice": "4", "back_pain_years": "9"},
        "back_pain_years",
        "Years treating back pain cannot be more than years in practice.",
        id="back-pain-years-over-years-in-practice",
    ),
    pytest.param(
        {"headline": ""}, "headline", "This field is required.", id="empty-headline"
    ),
    pytest.param(
        {"bio": ("Back pain. " * 401)[:4001]},
        "bio",
        "Keep this under 4000 characters (it has 4001).",
        id="bio-over-4000-characters",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_PROFILE_INPUT)
def test_profile_editor_shows_bad_input_next_to_its_field_and_saves_nothing(
    client, owner, changes, field, message
):
    before = state(owner)

    data = profile_data(**changes)

    response = client.post(PROFILE_URL, data)

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert list(response.context["form"].errors) == [field]
    # What the therapist typed is still in the form, the bad value too.
    assert shown_value(response, "display_name") == "Dana Typed"
    assert shown_value(response, "years_in_practice") == data["years_in_practice"]
    for name, value in changes.items():
        assert shown_value(response, name) == (value or None), name
    assert state(owner) == before


# --- photo ----------------------------------------------------------------------


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 44.0, 54.36)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (73.0, 59.0, 8.5)
    return exif


def jpeg_upload(name="IMG_0001.jpg", size=(2400, 1600), exif=None):
    content = factories.make_jpeg_bytes(size, exif=exif)
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def png_declaring(width: int, height: int) -> bytes:
    """Just a PNG signature, a header claiming width x height, and the end."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_photo_upload_stores_a_small_jpeg_and_thumbnail_without_gps(client, owner):
    upload = jpeg_upload(exif=gps_exif())
    sent = Image.open(io.BytesIO(upload.read()))
    assert sent.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test sends GPS
    upload.seek(0)

    response = client.post(PHOTO_URL, {"photo": upload}, follow=True)

    assert response.redirect_chain == [(HOME_URL, 302)]
    assert "Your photo is updated." in messages_shown(response)
    owner.refresh_from_db()
    stored = [
        (owner.photo, "therapists/photos/", 800),
        (owner.photo_thumbnail, "therapists/thumbnails/", 160),
    ]
    for file, folder, longest_side in stored:
        assert re.fullmatch(re.escape(folder) + r"[0-9a-f]{32}\.jpg", file.name)
        with file.open("rb") as handle:
            content = handle.read()
        image = Image.open(io.BytesIO(content))
        assert image.format == "JPEG"
        assert max(image.size) == longest_side
        assert not image.getexif()
        assert "exif" not in image.info
        assert b"PhoneCo" not in content
    assert owner.photo.name != owner.photo_thumbnail.name
    assert len(stored_files()) == 2
    assert owner.photo_thumbnail.url in response.content.decode()


def test_small_photo_is_never_enlarged(client, owner):
    client.post(PHOTO_URL, {"photo": jpeg_upload(size=(300, 200))})

    owner.refresh_from_db()
    assert Image.open(owner.photo.path).size == (300, 200)
    assert max(Image.open(owner.photo_thumbnail.path).size) == 160


def test_replacing_the_photo_deletes_the_old_files(
    client, owner, django_capture_on_commit_callbacks
):
    factories.add_photo(owner)
    old = [Path(owner.photo.path), Path(owner.photo_thumbnail.path)]
    assert all(path.exists() for path in old)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PHOTO_URL, {"photo": jpeg_upload()})

    assert response.status_code == 302
    owner.refresh_from_db()
    new = [Path(owner.photo.path), Path(owner.photo_thumbnail.path)]
    assert not any(path.exists() for path in old)
    assert stored_files() == sorted(new)
    assert set(new).isdisjoint(old)


HOSTILE_PHOTOS = [
    pytest.param(
        "holiday.jpg",
        lambda: b"Dear diary, today my back hurt. This is not a picture.\n" * 20,
        "This file type is not supported.",
        id="text-file-named-jpg",
    ),
    pytest.param(
        "cut-short.jpg",
        lambda: factories.make_jpeg_bytes((600, 600))[:20_000],
        "This image is damaged or incomplete",
        id="truncated-jpeg",
    ),
    pytest.param(
        "face.svg",
        lambda: (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
            b"<script>alert(document.cookie)</script></svg>"
        ),
        "This file type is not supported.",
        id="svg-with-script",
    ),
    pytest.param(
        "huge.jpg",
        # Just over the form's 5 MB, within the page's body limit (a body over
        # that gets a 413 page unread: tests/core/test_requestsize.py).
        lambda: b"\xff\xd8\xff\xe0" + b"\x00" * (5 * 1024 * 1024 + 512 * 1024),
        "Photos must be 5 MB or smaller.",
        id="5.5-mb-file",
    ),
    pytest.param(
        "bomb.png",
        lambda: png_declaring(10_000, 10_000),
        "This image is too large",
        id="png-declaring-100-megapixels",
    ),
]


@pytest.mark.parametrize(("name", "make_content", "message"), HOSTILE_PHOTOS)
def test_hostile_photo_is_refused_next_to_the_field_and_nothing_is_stored(
    client, owner, name, make_content, message
):
    factories.add_photo(owner)
    before = state(owner)
    upload = SimpleUploadedFile(name, make_content(), content_type="image/jpeg")

    response = client.post(PHOTO_URL, {"photo": upload})

    assert response.status_code == 200
    assert message in field_error(response, "photo")
    assert state(owner) == before


def test_removing_the_photo_deletes_its_files_and_unpublishes(
    client, owner, django_capture_on_commit_callbacks
):
    factories.add_photo(owner)
    files = [Path(owner.photo.path), Path(owner.photo_thumbnail.path)]
    assert owner.is_published

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PHOTO_DELETE_URL, follow=True)

    assert response.redirect_chain == [(HOME_URL, 302)]
    assert messages_shown(response) == [
        "Your photo is removed; your profile is unpublished."
    ]
    owner.refresh_from_db()
    assert not owner.photo
    assert not owner.photo_thumbnail
    assert not owner.is_published
    assert not any(path.exists() for path in files)
    assert owner not in Therapist.objects.published()
    assert checklist_state(response)["Add a photo"] is False


# --- techniques -------------------------------------------------------------------


def techniques_of(therapist: Therapist) -> dict[str, int]:
    return dict(
        therapist.technique_links.values_list("technique__slug", "years").order_by()
    )


def test_techniques_editor_adds_two_techniques(client, owner):
    rows = [
        {"technique": factories.technique("deep-tissue").pk, "years": 4},
        {"technique": factories.technique("myofascial-release").pk, "years": 2},
    ]

    response = client.post(
        TECHNIQUES_URL, factories.technique_formset_data(rows), follow=True
    )

    assert response.redirect_chain == [(HOME_URL, 302)]
    assert "Your techniques are saved." in messages_shown(response)
    assert techniques_of(owner) == {"deep-tissue": 4, "myofascial-release": 2}
    assert "Myofascial release · 2 yrs" in response.content.decode()
    assert list(Therapist.objects.search("myofascial")) == [owner]


def test_techniques_editor_changes_years_and_deletes_a_technique(client, owner):
    deep = factories.add_technique(owner, "deep-tissue", years=3)
    swedish = factories.add_technique(owner, "swedish", years=5)
    rows = [
        {"id": deep.pk, "technique": deep.technique_id, "years": 9},
        {
            "id": swedish.pk,
            "technique": swedish.technique_id,
            "years": 5,
            "DELETE": "on",
        },
    ]

    response = client.post(
        TECHNIQUES_URL, factories.technique_formset_data(rows, initial=2)
    )

    assert response.status_code == 302
    assert techniques_of(owner) == {"deep-tissue": 9}
    assert not Therapist.objects.search("swedish").exists()


def test_techniques_editor_refuses_the_same_technique_twice(client, owner):
    deep = factories.technique("deep-tissue").pk
    rows = [{"technique": deep, "years": 4}, {"technique": deep, "years": 1}]

    response = client.post(TECHNIQUES_URL, factories.technique_formset_data(rows))

    assert response.status_code == 200
    assert "Please correct the duplicate data for technique." in page_notices(response)
    assert techniques_of(owner) == {}


def test_techniques_editor_refuses_a_technique_already_on_the_profile(client, owner):
    deep = factories.add_technique(owner, "deep-tissue", years=3)
    rows = [
        {"id": deep.pk, "technique": deep.technique_id, "years": 3},
        {"technique": deep.technique_id, "years": 8},
    ]

    response = client.post(
        TECHNIQUES_URL, factories.technique_formset_data(rows, initial=1)
    )

    assert response.status_code == 200
    assert "already exists" in page_notices(response)
    assert techniques_of(owner) == {"deep-tissue": 3}


def test_techniques_editor_refuses_negative_years_next_to_the_field(client, owner):
    rows = [{"technique": factories.technique("swedish").pk, "years": -2}]

    response = client.post(TECHNIQUES_URL, factories.technique_formset_data(rows))

    assert response.status_code == 200
    assert "greater than or equal to 0" in field_error(response, f"{PREFIX}-0-years")
    assert techniques_of(owner) == {}


# --- locations --------------------------------------------------------------------


def test_location_from_a_zip_code_gets_city_state_and_coordinates(client, owner):
    data = {
        "name": "Midtown studio",
        "street_address": "350 Fifth Avenue",
        "postal_code": "10001",
    }

    response = client.post(LOCATION_ADD_URL, data, follow=True)

    assert response.redirect_chain == [(HOME_URL, 302)]
    assert "The location is added." in messages_shown(response)
    location = owner.locations.get()
    assert (location.city, location.state) == ("New York", "NY")
    assert (location.latitude, location.longitude) == (40.7484, -73.9967)
    assert location.street_address == "350 Fifth Avenue"
    assert "350 Fifth Avenue, New York, NY 10001" in response.content.decode()


def test_home_based_location_hides_the_street_and_blurs_the_point(client, owner):
    data = {
        "street_address": "12 Quiet Lane",
        "postal_code": "11211",
        "is_home_based": "on",
    }
    client.post(LOCATION_ADD_URL, data)
    factories.make_location(owner, "10001", street_address="350 Fifth Avenue")

    location = owner.locations.get(is_home_based=True)
    # ZIP 11211 is at 40.7095, -73.9563.
    assert (location.latitude, location.longitude) == (40.71, -73.96)
    profile = client.get(owner.get_absolute_url()).content.decode()
    assert "Brooklyn, NY" in profile
    assert "12 Quiet Lane" not in profile
    assert "40.7095" not in profile
    assert "73.9563" not in profile
    assert "350 Fifth Avenue" in profile  # a studio's street is shown
    dashboard = client.get(HOME_URL).content.decode()
    assert "12 Quiet Lane" not in dashboard


def test_editing_a_location_zip_code_moves_it(client, owner):
    location = factories.make_location(owner, "10001")
    url = reverse("dashboard:location-edit", kwargs={"pk": location.pk})

    response = client.post(
        url, {"street_address": "1 Bedford Avenue", "postal_code": "11211"}
    )

    assert response.status_code == 302
    location.refresh_from_db()
    assert (location.city, location.latitude) == ("Brooklyn", 40.7095)


@pytest.mark.parametrize("zip_code", ["00000", "abcde", "1000", "100011"])
def test_unknown_zip_code_is_refused_next_to_the_field(client, owner, zip_code):
    data = {"street_address": "1 Main Street", "postal_code": zip_code}

    response = client.post(LOCATION_ADD_URL, data)

    assert response.status_code == 200
    assert field_error(response, "postal_code") == "Enter a valid 5-digit US ZIP code."
    assert shown_value(response, "postal_code") == zip_code
    assert not owner.locations.exists()


def test_studio_location_without_a_street_is_refused(client, owner):
    response = client.post(LOCATION_ADD_URL, {"postal_code": "10001"})

    assert response.status_code == 200
    assert "Enter the street address clients come to" in field_error(
        response, "street_address"
    )
    assert not owner.locations.exists()


# --- credentials ------------------------------------------------------------------


def credential_data(**overrides) -> dict:
    data = {
        "kind": Credential.Kind.STATE_LICENCE,
        "issuer": "New York State Education Department",
        "number": "MT-123456",
        "jurisdiction": "ny",
        "issued_on": "2020-01-15",
        "expires_on": str(days_from_today(365)),
    }
    data.update(overrides)
    return data


def pdf_upload(content: bytes | None = None, name="my licence.pdf"):
    content = content or factories.make_pdf_bytes()
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_credential_with_pdf_evidence_is_stored_privately_and_pending(client, owner):
    pdf = factories.make_pdf_bytes("Licence MT-123456")

    response = client.post(
        CREDENTIAL_ADD_URL,
        {**credential_data(), "evidence": pdf_upload(pdf)},
        follow=True,
    )

    assert response.redirect_chain == [(HOME_URL, 302)]
    assert "Your credential is submitted: our staff will check it." in (
        messages_shown(response)
    )
    credential = owner.credentials.get()
    assert credential.status == Credential.Status.PENDING
    assert credential.verified_at is None
    assert credential.jurisdiction == "NY"
    assert credential.issued_on == datetime.date(2020, 1, 15)
    assert re.fullmatch(
        r"credentials/evidence/[0-9a-f]{32}\.pdf", credential.evidence.name
    )
    path = Path(credential.evidence.path)
    assert path.read_bytes() == pdf
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert stored_files() == [path]
    assert "Pending verification" in response.content.decode()


def test_credential_evidence_that_is_really_html_is_refused(client, owner):
    disguised = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script>"

    response = client.post(
        CREDENTIAL_ADD_URL,
        {**credential_data(), "evidence": pdf_upload(disguised, "licence.pdf")},
    )

    assert response.status_code == 200
    assert "This file type is not supported." in field_error(response, "evidence")
    assert not Credential.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    "kind", [Credential.Kind.STATE_LICENCE, Credential.Kind.BOARD_CERTIFICATION]
)
def test_licence_without_expiry_is_refused_next_to_expiry(client, owner, kind):
    data = credential_data(kind=kind, expires_on="")

    response = client.post(CREDENTIAL_ADD_URL, {**data, "evidence": pdf_upload()})

    assert response.status_code == 200
    assert field_error(response, "expires_on") == (
        "Licences and board certifications need an expiry date."
    )
    assert not Credential.objects.exists()
    assert stored_files() == []


def test_education_without_expiry_is_accepted(client, owner):
    data = credential_data(kind=Credential.Kind.EDUCATION, expires_on="")

    response = client.post(CREDENTIAL_ADD_URL, {**data, "evidence": pdf_upload()})

    assert response.status_code == 302
    assert owner.credentials.get().expires_on is None


@pytest.mark.parametrize("holder", ["the same therapist", "another therapist"])
def test_credential_already_registered_by_anyone_is_refused(
    client, owner, other_therapist, holder
):
    factories.make_credential(
        owner if holder == "the same therapist" else other_therapist,
        issuer="New York State Education Department",
        jurisdiction="NY",
        number="MT-777777",
    )
    data = credential_data(number="MT-777777", jurisdiction="ny")

    response = client.post(CREDENTIAL_ADD_URL, {**data, "evidence": pdf_upload()})

    assert response.status_code == 200
    assert (
        "This issuer, jurisdiction and number are already registered."
        in page_notices(response)
    )
    assert Credential.objects.count() == 1
    assert stored_files() == []


@pytest.fixture
def verified_credential(owner):
    # The badge needs a licence from a state where the therapist practises.
    factories.make_location(owner, "10001")
    credential = factories.make_credential(
        owner,
        issuer="New York State Education Department",
        number="MT-555555",
        jurisdiction="NY",
        issued_on=datetime.date(2021, 3, 1),
        expires_on=days_from_today(300),
        evidence=ContentFile(factories.make_pdf_bytes(), name="licence.pdf"),
    )
    owner.refresh_from_db()
    assert owner.badge_valid_until == credential.expires_on
    return credential


def edit_data(credential: Credential, **changes) -> dict:
    data = {
        "kind": credential.kind,
        "issuer": credential.issuer,
        "number": credential.number,
        "jurisdiction": credential.jurisdiction,
        "issued_on": str(credential.issued_on or ""),
        "expires_on": str(credential.expires_on or ""),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "changes",
    [
        {"number": "MT-555556"},
        {"issuer": "New York State Board for Massage Therapy"},
        {"jurisdiction": "NJ"},
        {"expires_on": str(days_from_today(700))},
    ],
    ids=["number", "issuer", "jurisdiction", "expiry"],
)
def test_editing_what_staff_verified_sends_the_credential_back_to_pending(
    client, owner, verified_credential, changes
):
    url = reverse("dashboard:credential-edit", kwargs={"pk": verified_credential.pk})

    response = client.post(url, edit_data(verified_credential, **changes), follow=True)

    assert response.redirect_chain == [(HOME_URL, 302)]
    verified_credential.refresh_from_db()
    assert verified_credential.status == Credential.Status.PENDING
    assert verified_credential.verified_at is None
    assert verified_credential.verified_by is None
    assert verified_credential.verification_method == ""
    owner.refresh_from_db()
    assert owner.badge_valid_until is None
    assert "Pending verification" in response.content.decode()


def test_editing_only_the_issue_date_keeps_the_credential_verified(
    client, owner, verified_credential
):
    verified_at = verified_credential.verified_at
    url = reverse("dashboard:credential-edit", kwargs={"pk": verified_credential.pk})

    response = client.post(url, edit_data(verified_credential, issued_on="2021-04-01"))

    assert response.status_code == 302
    verified_credential.refresh_from_db()
    assert verified_credential.issued_on == datetime.date(2021, 4, 1)
    assert verified_credential.status == Credential.Status.VERIFIED
    assert verified_credential.verified_at == verified_at
    owner.refresh_from_db()
    assert owner.badge_valid_until == verified_credential.expires_on


def test_credential_with_evidence_on_file_can_be_edited_without_a_new_file(
    client, owner, verified_credential
):
    url = reverse("dashboard:credential-edit", kwargs={"pk": verified_credential.pk})
    evidence = verified_credential.evidence.name

    form_page = client.get(url)
    refused = client.post(url, edit_data(verified_credential, jurisdiction="New York"))

    assert form_page.status_code == 200
    assert "A document is on file" in form_page.content.decode()
    assert evidence not in form_page.content.decode()
    assert refused.status_code == 200
    assert "two-letter state code" in field_error(refused, "jurisdiction")
    verified_credential.refresh_from_db()
    assert verified_credential.jurisdiction == "NY"
    assert verified_credential.evidence.name == evidence


def test_retyping_the_same_jurisdiction_in_lower_case_keeps_it_verified(
    client, owner, verified_credential
):
    url = reverse("dashboard:credential-edit", kwargs={"pk": verified_credential.pk})

    client.post(url, edit_data(verified_credential, jurisdiction="ny"))

    verified_credential.refresh_from_db()
    assert verified_credential.jurisdiction == "NY"
    assert verified_credential.status == Credential.Status.VERIFIED


def test_rejected_credential_shows_why_on_the_dashboard(client, owner):
    factories.make_credential(
        owner,
        number="MT-000404",
        status=Credential.Status.REJECTED,
        status_note="The number is not on the New York board's roster.",
    )

    page = html.unescape(client.get(HOME_URL).content.decode())

    assert (
        "Why it was not accepted: The number is not on the New York board's roster."
        in page
    )
    assert "Rejected" in page


# --- dashboard home -------------------------------------------------------------


def short_date(day: datetime.date) -> str:
    return date_format(day, "M j, Y")


@pytest.mark.parametrize(
    ("days", "warned"), [(0, True), (30, True), (60, True), (61, False)]
)
def test_dashboard_warns_of_a_credential_expiring_within_60_days(
    client, owner, days, warned
):
    credential = factories.make_credential(
        owner, number="MT-SOON01", expires_on=days_from_today(days)
    )

    page = client.get(HOME_URL).content.decode()

    warning = f"State licence MT-SOON01 expires on {short_date(credential.expires_on)}"
    assert (warning in page) is warned
    assert "expired on" not in page


def test_dashboard_warns_of_an_expired_credential(client, owner):
    credential = factories.make_credential(
        owner, number="MT-GONE01", expires_on=days_from_today(-10)
    )

    page = client.get(HOME_URL).content.decode()

    expiry = short_date(credential.expires_on)
    assert f"State licence MT-GONE01 expired on {expiry}." in page
    assert "expires on" not in page


@pytest.mark.parametrize(
    ("confirmed_days_ago", "reminded"),
    [(None, True), (61, True), (60, False), (3, False)],
)
def test_dashboard_asks_to_confirm_details_after_60_days(
    client, owner, confirmed_days_ago, reminded
):
    owner.details_confirmed_on = (
        None if confirmed_days_ago is None else days_from_today(-confirmed_days_ago)
    )
    owner.save()

    page = client.get(HOME_URL).content.decode()

    assert ("Are your details still right?" in page) is reminded


def checklist_state(response) -> dict[str, bool]:
    """Each checklist item as the page shows it (and reads it to screen readers)."""
    items = re.findall(
        r'<a href="#\w+">([^<]+)</a><span class="visually-hidden">: (done|to do)',
        response.content.decode(),
    )
    return {label: status == "done" for label, status in items}


def test_dashboard_checklist_shows_what_is_done_and_what_is_left(client, owner):
    assert checklist_state(client.get(HOME_URL)) == {
        "Add a photo": False,
        "Write a headline and a bio": True,
        "Set the price of at least one session length": True,
        "Add at least one technique": False,
        "Add at least one practice location": False,
        "Submit at least one credential": False,
    }

    factories.add_technique(owner)
    factories.make_location(owner)
    factories.make_credential(owner, status=Credential.Status.REJECTED)
    Therapist.objects.filter(pk=owner.pk).update(bio="  ")

    assert checklist_state(client.get(HOME_URL)) == {
        "Add a photo": False,
        "Write a headline and a bio": False,
        "Set the price of at least one session length": True,
        "Add at least one technique": True,
        "Add at least one practice location": True,
        # A rejected credential does not count.
        "Submit at least one credential": False,
    }


# --- publishing -------------------------------------------------------------------


def search_page_names(client, text: str) -> list[str]:
    response = client.get(SEARCH_URL, {"q": text})
    return [t.display_name for t in response.context["page_obj"].object_list]


def remove_photo(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(photo="", photo_thumbnail="")


CHECKLIST_GAPS = {
    "photo": remove_photo,
    "headline": lambda t: Therapist.objects.filter(pk=t.pk).update(headline=""),
    "bio": lambda t: Therapist.objects.filter(pk=t.pk).update(bio=""),
    "price": lambda t: Therapist.objects.filter(pk=t.pk).update(session_price=None),
    "technique": lambda t: t.technique_links.all().delete(),
    "location": lambda t: t.locations.all().delete(),
    "credential": lambda t: t.credentials.update(status=Credential.Status.REJECTED),
}


@pytest.mark.parametrize("gap", CHECKLIST_GAPS)
def test_publishing_is_blocked_until_the_checklist_is_complete(client, gap):
    draft = factories.make_publishable_draft(display_name="Zephyrine Draft")
    CHECKLIST_GAPS[gap](draft)
    client.force_login(draft.user)

    response = client.post(PUBLISH_URL, {"action": "publish"}, follow=True)

    assert response.redirect_chain == [(HOME_URL, 302)]
    assert messages_shown(response) == [
        "Finish the checklist first: your profile is not published yet."
    ]
    assert "Draft" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published
    assert draft not in Therapist.objects.published()
    client.logout()
    assert search_page_names(client, "Zephyrine") == []
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_complete_profile_publishes_and_appears_in_search(client):
    draft = factories.make_publishable_draft(display_name="Zephyrine Ready")
    client.force_login(draft.user)
    assert search_page_names(client, "Zephyrine") == []

    response = client.post(PUBLISH_URL, {"action": "publish"}, follow=True)

    assert messages_shown(response) == [
        "Your profile is published and appears in search."
    ]
    draft.refresh_from_db()
    assert draft.is_published
    assert list(Therapist.objects.published()) == [draft]
    client.logout()
    assert search_page_names(client, "Zephyrine") == ["Zephyrine Ready"]


def test_unpublishing_hides_the_profile_from_search(client):
    therapist = factories.make_publishable_draft(display_name="Zephyrine Live")
    Therapist.objects.filter(pk=therapist.pk).update(is_published=True)
    assert search_page_names(client, "Zephyrine") == ["Zephyrine Live"]
    client.force_login(therapist.user)

    response = client.post(PUBLISH_URL, {"action": "unpublish"}, follow=True)

    assert messages_shown(response) == ["Your profile is hidden from search."]
    therapist.refresh_from_db()
    assert not therapist.is_published
    assert therapist not in Therapist.objects.published()
    client.logout()
    assert search_page_names(client, "Zephyrine") == []


def test_deleting_the_last_location_unpublishes_the_profile(client):
    therapist = factories.make_publishable_draft()
    therapist.is_published = True
    therapist.save()
    location = therapist.locations.get()
    client.force_login(therapist.user)
    response = client.post(
        reverse("dashboard:location-delete", args=[location.pk]), follow=True
    )
    therapist.refresh_from_db()
    assert not therapist.is_published
    assert "hidden from search until the checklist is complete" in response.text


def test_only_editing_a_verified_credential_warns_that_changes_send_it_back(
    client, owner
):
    warning = "sends a verified credential back for checking"
    credential = factories.make_credential(owner)

    adding = client.get(CREDENTIAL_ADD_URL).content.decode()
    editing = client.get(
        reverse("dashboard:credential-edit", args=[credential.pk])
    ).content.decode()

    assert warning not in adding
    assert warning in editing
