"""Who may use each dashboard URL: every route, each method it accepts, every role.

One table lists the routes; each role's test runs over all of it and checks both
the answer and that a refused request left the database and the files alone.
"""

import dataclasses
import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dashboard import urls as dashboard_urls
from reviews.models import ReviewInvitation
from tests import factories
from therapists.forms import TechniqueFormSet
from therapists.models import (
    AcceptedPlan,
    InsurancePlan,
    OpeningHours,
    PracticeLocation,
    SessionPackage,
    Therapist,
    TherapistLanguage,
    TherapistTechnique,
)
from verification import export
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
HOME_URL = reverse("dashboard:home")
EVIDENCE_BYTES = factories.make_pdf_bytes("Licence MT-424242")


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str
    method: str  # "get" or "post"
    target: str | None = None  # "location" or "credential" when the URL names one

    def __str__(self):
        return f"{self.method.upper()} {self.name}"


ENDPOINTS = [
    Endpoint("home", "get"),
    Endpoint("profile", "get"),
    Endpoint("profile", "post"),
    Endpoint("comfort", "get"),
    Endpoint("comfort", "post"),
    Endpoint("photo", "get"),
    Endpoint("photo", "post"),
    Endpoint("photo-delete", "post"),
    Endpoint("techniques", "get"),
    Endpoint("techniques", "post"),
    Endpoint("location-add", "get"),
    Endpoint("location-add", "post"),
    Endpoint("location-edit", "get", "location"),
    Endpoint("location-edit", "post", "location"),
    Endpoint("location-delete", "get", "location"),
    Endpoint("location-delete", "post", "location"),
    Endpoint("credential-add", "get"),
    Endpoint("credential-add", "post"),
    Endpoint("credential-edit", "get", "credential"),
    Endpoint("credential-edit", "post", "credential"),
    Endpoint("credential-delete", "get", "credential"),
    Endpoint("credential-delete", "post", "credential"),
    Endpoint("credential-evidence", "get", "credential"),
    Endpoint("publish", "post"),
    Endpoint("invite", "post"),
    Endpoint("confirm-details", "post"),
    Endpoint("prices", "get"),
    Endpoint("prices", "post"),
    Endpoint("payment", "get"),
    Endpoint("payment", "post"),
    Endpoint("plan-confirm", "post", "accepted_plan"),
    Endpoint("hours", "get"),
    Endpoint("hours", "post"),
    Endpoint("next-opening-confirm", "post"),
]
EVIDENCE = Endpoint("credential-evidence", "get", "credential")
EDITOR_ENDPOINTS = [e for e in ENDPOINTS if e != EVIDENCE]
OBJECT_ENDPOINTS = [e for e in ENDPOINTS if e.target]
OWN_PROFILE_ENDPOINTS = [e for e in ENDPOINTS if not e.target]


@dataclasses.dataclass
class World:
    owner: Therapist
    location: PracticeLocation
    credential: Credential
    technique_link: TherapistTechnique
    other: Therapist
    accepted_plan: AcceptedPlan


@pytest.fixture
def world(therapist, other_therapist):
    """The owner with a photo, a technique, a location and a credential with
    evidence; another therapist with rows of their own."""
    factories.add_photo(therapist)
    factories.add_language(therapist, "en")
    link = factories.add_technique(therapist, "deep-tissue", years=3)
    location = factories.make_location(therapist, "10001")
    # A next opening stated a week ago, for the one-click confirmation.
    today = timezone.localdate()
    Therapist.objects.filter(pk=therapist.pk).update(
        next_opening_on=today + datetime.timedelta(days=5),
        next_opening_confirmed_on=today - datetime.timedelta(days=7),
    )
    credential = factories.make_credential(
        therapist, evidence=ContentFile(EVIDENCE_BYTES, name="licence.pdf")
    )
    factories.add_technique(other_therapist, "swedish")
    factories.make_location(other_therapist, "11211")
    factories.make_credential(
        other_therapist, evidence=ContentFile(b"%PDF-1.4 other", name="other.pdf")
    )
    accepted_plan = AcceptedPlan.objects.create(
        therapist=therapist,
        plan=InsurancePlan.objects.get(slug="aetna"),
        confirmed_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    return World(therapist, location, credential, link, other_therapist, accepted_plan)


@pytest.fixture
def plain_staff(db):
    """Staff who may use the admin but were given no permissions."""
    return factories.make_user(username="plainstaff", is_staff=True)


def url_of(endpoint: Endpoint, world: World) -> str:
    if endpoint.target is None:
        return reverse(f"dashboard:{endpoint.name}")
    target = getattr(world, endpoint.target)
    return reverse(f"dashboard:{endpoint.name}", kwargs={"pk": target.pk})


def valid_post_data(endpoint: Endpoint, world: World) -> dict:
    """What the owner's own browser would send: valid, and a real change."""
    prefix = TechniqueFormSet.get_default_prefix()
    link = world.technique_link
    match endpoint.name:
        case "profile":
            return {
                "display_name": "Dana Renamed",
                "headline": "Gentle work for sciatica",
                "bio": "Twenty years of careful work.",
                "years_in_practice": "12",
                "back_pain_years": "8",
                "back_pain_caseload_percent": "70",
                "session_price": "140",
                "accepting_new_clients": "on",
                "languages": ["en", "es"],
            }
        case "comfort":
            return {
                "pressure_lightest": "1",
                "pressure_firmest": "4",
                "options": ["clothed", "companion"],
                "stop_statement": "on",
                "draping_policy": "Underwear stays on.",
            }
        case "photo":
            jpeg = factories.make_jpeg_bytes((400, 300))
            return {"photo": SimpleUploadedFile("me.jpg", jpeg, "image/jpeg")}
        case "techniques":
            return {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "1",
                f"{prefix}-0-id": str(link.pk),
                f"{prefix}-0-technique": str(link.technique_id),
                f"{prefix}-0-years": "7",
            }
        case "location-add" | "location-edit":
            return {
                "name": "Williamsburg studio",
                "street_address": "1 Bedford Avenue",
                "postal_code": "11211",
            }
        case "credential-add" | "credential-edit":
            data = {
                "kind": Credential.Kind.STATE_LICENCE,
                "issuer": "New York State Education Department",
                "number": f"MT-NEW-{endpoint.name}",
                "jurisdiction": "NY",
                "expires_on": str(timezone.localdate() + datetime.timedelta(days=400)),
            }
            if endpoint.name == "credential-add":
                pdf = factories.make_pdf_bytes()
                data["evidence"] = SimpleUploadedFile(
                    "scan.pdf", pdf, "application/pdf"
                )
            return data
        case "prices":
            return {
                "session_price": "120",
                "price_90": "165",
                "packages-TOTAL_FORMS": "0",
                "packages-INITIAL_FORMS": "0",
            }
        case "payment":
            return {
                "ways": ["hsa-fsa"],
                "plans": [str(InsurancePlan.objects.get(slug="cigna").pk)],
            }
        case "hours":
            return {
                "opening_hours-TOTAL_FORMS": "1",
                "opening_hours-INITIAL_FORMS": "0",
                "opening_hours-0-weekday": "5",
                "opening_hours-0-opens": "09:00",
                "opening_hours-0-closes": "13:00",
                "next_opening_on": "",
            }
        case "publish":
            return {"action": "unpublish"}
        case "invite":
            return {"note": "For Ana, after her third session"}
        case _:
            return {}


def send(client, endpoint: Endpoint, world: World):
    url = url_of(endpoint, world)
    if endpoint.method == "get":
        return client.get(url)
    return client.post(url, valid_post_data(endpoint, world))


def stored_files() -> list[str]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return sorted(
        str(path) for root in roots for path in root.rglob("*") if path.is_file()
    )


def snapshot(therapist: Therapist | None = None) -> dict:
    """Every row (or one therapist's rows) a dashboard view could write, and the
    files on disk."""
    owned_by = {
        Therapist: "pk",
        TherapistTechnique: "therapist",
        TherapistLanguage: "therapist",
        PracticeLocation: "therapist",
        Credential: "therapist",
        Therapist.conditions.through: "therapist",
        CredentialEvent: "credential__therapist",
        ReviewInvitation: "therapist",
        SessionPackage: "therapist",
        AcceptedPlan: "therapist",
        OpeningHours: "therapist",
    }
    state = {}
    for model, owner_field in owned_by.items():
        rows = model.objects.order_by("pk")
        if therapist is not None:
            rows = rows.filter(**{owner_field: therapist.pk})
        state[model.__name__] = list(rows.values())
    if therapist is None:
        state["files"] = stored_files()
    else:
        therapist.refresh_from_db()
        files = [therapist.photo, therapist.photo_thumbnail]
        files += export.evidence_files(therapist)
        state["files"] = sorted(
            (file.name, file.storage.exists(file.name)) for file in files if file
        )
    return state


def assert_evidence_download(response) -> None:
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == EVIDENCE_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert "licence" in response["Content-Disposition"]
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


def test_the_table_covers_every_dashboard_url():
    routes = {pattern.name for pattern in dashboard_urls.urlpatterns}
    assert routes == {endpoint.name for endpoint in ENDPOINTS}


# --- anonymous visitors -------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_anonymous_visitor_is_sent_to_login_and_nothing_changes(
    client, world, endpoint
):
    before = snapshot()
    response = send(client, endpoint, world)
    assert response.status_code == 302
    # ...and comes back to the page after signing in.
    assert response["Location"] == f"{LOGIN_URL}?next={url_of(endpoint, world)}"
    assert snapshot() == before


# --- clients (accounts without a therapist profile) ---------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_client_without_a_therapist_profile_is_refused_and_nothing_changes(
    client, client_user, world, endpoint
):
    # Evidence is looked up among the user's own credentials, so for anyone but
    # its owner and staff it does not exist: 404, like another therapist gets.
    expected = 404 if endpoint == EVIDENCE else 403
    client.force_login(client_user)
    before = snapshot()
    response = send(client, endpoint, world)
    assert response.status_code == expected
    assert snapshot() == before


# --- another therapist --------------------------------------------------------


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS, ids=str)
def test_another_therapist_gets_404_for_the_owners_rows_and_nothing_changes(
    client, world, endpoint
):
    client.force_login(world.other.user)
    before = snapshot()
    response = send(client, endpoint, world)
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("endpoint", OWN_PROFILE_ENDPOINTS, ids=str)
def test_another_therapist_on_their_own_dashboard_never_touches_the_owners_rows(
    client, world, endpoint
):
    client.force_login(world.other.user)
    owner_before = snapshot(world.owner)
    response = send(client, endpoint, world)
    # Their own dashboard is theirs; the owner's technique row id posted to the
    # techniques page is simply not one of theirs.
    assert response.status_code in (200, 302)
    assert snapshot(world.owner) == owner_before


# --- the owner ----------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_owner_can_use_every_dashboard_url(client, world, endpoint):
    client.force_login(world.owner.user)
    before = snapshot()
    response = send(client, endpoint, world)
    if endpoint == EVIDENCE:
        assert_evidence_download(response)
    elif endpoint.method == "get":
        assert response.status_code == 200
        assert response.context["therapist"] == world.owner
    else:
        assert response.status_code == 302
        assert response["Location"] == HOME_URL
        assert snapshot() != before


@pytest.mark.parametrize(
    "name", ["photo-delete", "publish", "invite", "confirm-details"]
)
def test_post_only_urls_refuse_get_and_change_nothing(client, world, name):
    client.force_login(world.owner.user)
    before = snapshot()
    response = client.get(reverse(f"dashboard:{name}"))
    assert response.status_code == 405
    assert snapshot() == before


# --- staff ----------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", EDITOR_ENDPOINTS, ids=str)
@pytest.mark.parametrize("staff", ["staff_user", "plain_staff"])
def test_staff_are_refused_the_owner_only_editor_and_nothing_changes(
    client, world, request, staff, endpoint
):
    client.force_login(request.getfixturevalue(staff))
    before = snapshot()
    response = send(client, endpoint, world)
    assert response.status_code == 403
    assert snapshot() == before


def test_staff_with_view_credential_permission_download_the_evidence(
    client, world, staff_user
):
    assert staff_user.has_perm("verification.view_credential")
    client.force_login(staff_user)
    assert_evidence_download(send(client, EVIDENCE, world))


def test_staff_granted_only_view_credential_download_the_evidence(
    client, world, plain_staff
):
    plain_staff.user_permissions.add(
        Permission.objects.get(
            codename="view_credential", content_type__app_label="verification"
        )
    )
    client.force_login(plain_staff)
    assert_evidence_download(send(client, EVIDENCE, world))


@pytest.mark.parametrize("who", ["owner", "viewing staff"])
def test_evidence_asked_for_inline_is_still_an_attachment_for_non_verifiers(
    client, world, plain_staff, who
):
    viewer = world.owner.user
    if who == "viewing staff":
        viewer = plain_staff
        plain_staff.user_permissions.add(
            Permission.objects.get(
                codename="view_credential", content_type__app_label="verification"
            )
        )
    client.force_login(viewer)
    response = client.get(url_of(EVIDENCE, world) + "?inline=1")
    assert_evidence_download(response)


def test_staff_without_view_credential_permission_get_404_for_evidence(
    client, world, plain_staff
):
    assert not plain_staff.has_perm("verification.view_credential")
    client.force_login(plain_staff)
    before = snapshot()
    response = send(client, EVIDENCE, world)
    assert response.status_code == 404
    assert snapshot() == before


# --- evidence is private ------------------------------------------------------------


def test_evidence_is_stored_outside_media_and_has_no_public_url(client, world):
    evidence = world.credential.evidence
    try:
        url = evidence.url
    except ValueError:
        url = None
    assert url is None
    path = Path(evidence.path)
    assert path.read_bytes() == EVIDENCE_BYTES
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not list(Path(settings.MEDIA_ROOT).rglob(path.name))
    assert client.get(f"/{settings.MEDIA_URL}{evidence.name}").status_code == 404


def test_dashboard_links_evidence_only_through_the_checked_download(client, world):
    client.force_login(world.owner.user)
    html = client.get(HOME_URL).content.decode()
    assert url_of(EVIDENCE, world) in html
    assert world.credential.evidence.name not in html
    assert settings.MEDIA_URL + "credentials" not in html


def test_evidence_download_of_a_credential_without_evidence_is_404(client, world):
    credential = factories.make_credential(world.owner)
    client.force_login(world.owner.user)
    response = client.get(
        reverse("dashboard:credential-evidence", kwargs={"pk": credential.pk})
    )
    assert response.status_code == 404
