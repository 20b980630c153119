"""The therapist's comfort and consent page (/dashboard/comfort/): who may use
it, saving what the therapist states (which confirms their details), bad input
shown next to its field with nothing changed, and the dashboard's card."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests import factories
from therapists import comfort
from therapists.models import Therapist
from verification.models import Credential

pytestmark = pytest.mark.django_db

COMFORT_URL = reverse("dashboard:comfort")
HOME_URL = reverse("dashboard:home")
CREDENTIAL_ADD_URL = reverse("dashboard:credential-add")


def field_error(response, field: str) -> str:
    """The error shown right under one field, as the user reads it."""
    page = response.content.decode()
    match = re.search(
        rf'<p class="field__error" id="id_{re.escape(field)}_error">(.*?)</p>',
        page,
        re.S,
    )
    if match is None:  # a list of checkboxes: the error closes its fieldset
        match = re.search(
            rf'name="{re.escape(field)}".*?<p class="field__error">(.*?)</p>',
            page,
            re.S,
        )
    return html.unescape(match[1]) if match else ""


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def comfort_data(**overrides) -> dict:
    data = {
        "pressure_lightest": "1",
        "pressure_firmest": "4",
        "options": ["clothed", "over-the-sheet"],
        "stop_statement": "on",
        "draping_policy": "Underwear stays on.\r\nI knock before coming back in.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def stored(therapist: Therapist) -> tuple:
    therapist.refresh_from_db()
    return (
        therapist.pressure_lightest,
        therapist.pressure_firmest,
        therapist.comfort_bits,
        therapist.draping_policy,
        therapist.details_confirmed_on,
        therapist.updated_at,
    )


@pytest.fixture
def owner(client, therapist):
    """Dana, signed in, who confirmed her details 100 days ago and stated a
    moderate-to-firm range and a companion welcome."""
    therapist.details_confirmed_on = timezone.localdate() - datetime.timedelta(days=100)
    therapist.pressure_lightest, therapist.pressure_firmest = 3, 4
    therapist.comfort_bits = comfort.COMPANION.bit
    therapist.save()
    factories.make_location(therapist, "10001")
    client.force_login(therapist.user)
    return therapist


# --- who may use it -------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_changes(client, owner):
    client.logout()
    before = stored(owner)
    for response in (client.get(COMFORT_URL), client.post(COMFORT_URL, comfort_data())):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert stored(owner) == before


def test_a_client_without_a_profile_is_refused(client, client_user, owner):
    client.force_login(client_user)
    before = stored(owner)
    assert client.get(COMFORT_URL).status_code == 403
    assert client.post(COMFORT_URL, comfort_data()).status_code == 403
    assert stored(owner) == before


def test_staff_without_a_profile_are_refused(client, staff_user, owner):
    client.force_login(staff_user)
    before = stored(owner)
    assert client.get(COMFORT_URL).status_code == 403
    assert client.post(COMFORT_URL, comfort_data()).status_code == 403
    assert stored(owner) == before


def test_another_therapist_only_ever_edits_their_own(client, owner, other_therapist):
    client.force_login(other_therapist.user)
    before = stored(owner)

    page = client.get(COMFORT_URL)
    assert page.status_code == 200
    assert page.context["form"].instance.pk == other_therapist.pk
    response = client.post(COMFORT_URL, comfort_data(pressure_lightest="2"))

    assert response.status_code == 302
    assert stored(owner) == before
    other_therapist.refresh_from_db()
    assert other_therapist.pressure_lightest == 2


# --- the owner ----------------------------------------------------------------------


def test_the_owner_sees_what_they_stated(client, owner):
    page = client.get(COMFORT_URL).content.decode()
    assert '<h1 class="page-title">Comfort and consent</h1>' in page
    assert re.search(r'<option value="3" selected>Moderate</option>', page)
    assert re.search(r'value="companion"[^>]*checked', page)
    assert not re.search(r'name="stop_statement"[^>]*checked', page)
    # The suggestion is help text only, never a stored default.
    assert "You undress only as far as you are comfortable" in html.unescape(page)
    assert owner.draping_policy == ""


def test_saving_stores_what_is_stated_and_confirms_the_details(client, owner):
    response = client.post(COMFORT_URL, comfort_data())

    assert response.status_code == 302
    assert response["Location"] == HOME_URL
    owner.refresh_from_db()
    assert (owner.pressure_lightest, owner.pressure_firmest) == (1, 4)
    assert comfort.codes_of(owner.comfort_bits) == [
        "clothed",
        "over-the-sheet",
        "stop-statement",
    ]
    assert owner.draping_policy == (
        "Underwear stays on.\nI knock before coming back in."
    )
    assert owner.details_confirmed_on == timezone.localdate()
    # The fresh confirmation's score reached the locations' copy.
    location = owner.locations.get()
    assert location.qualification_score == owner.qualification_score
    home = client.get(HOME_URL)
    assert "Your comfort and consent details are saved." in text_of(home)


def test_unticking_everything_states_nothing(client, owner):
    response = client.post(
        COMFORT_URL,
        comfort_data(
            pressure_lightest="",
            pressure_firmest="",
            options=None,
            stop_statement=None,
            draping_policy="",
        ),
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.pressure_lightest is None and owner.pressure_firmest is None
    assert owner.comfort_bits == 0
    assert owner.draping_policy == ""


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"pressure_lightest": "4", "pressure_firmest": "2"},
            "pressure_firmest",
            "The firmest pressure cannot be lighter than the lightest (firm).",
        ),
        (
            {"pressure_lightest": "1", "pressure_firmest": ""},
            "pressure_firmest",
            "Choose the firmest pressure you offer too, or set both to “Not stated”.",
        ),
        (
            {"pressure_lightest": "", "pressure_firmest": "3"},
            "pressure_lightest",
            "Choose the lightest pressure you offer too, or set both to “Not stated”.",
        ),
        (
            {"pressure_lightest": "9"},
            "pressure_lightest",
            "Choose a pressure from the list.",
        ),
        (
            {"pressure_firmest": "firm"},
            "pressure_firmest",
            "Choose a pressure from the list.",
        ),
        (
            {"options": ["clothed", "nude"]},
            "options",
            "Choose options from the list.",
        ),
        (
            {"draping_policy": "x" * 601},
            "draping_policy",
            "Keep your draping policy to 600 characters or fewer (it has 601).",
        ),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_changes_nothing(
    client, owner, data, field, message
):
    before = stored(owner)

    response = client.post(COMFORT_URL, comfort_data(**data))

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert stored(owner) == before


# --- the dashboard's card, and the training ---------------------------------------


def test_the_dashboard_card_says_what_is_stated_and_links_here(client, owner):
    text = text_of(client.get(HOME_URL))
    assert "Comfort and consent Pressure Moderate to firm" in text
    assert "Clothed or over the sheet Not stated" in text
    assert "Companion welcome Yes" in text
    assert "Stop statement Not stated" in text
    page = client.get(HOME_URL).content.decode()
    assert f'href="{COMFORT_URL}"' in page
    assert f'href="{CREDENTIAL_ADD_URL}?kind=trauma_informed_training"' in page


def test_the_training_link_opens_the_credential_form_with_the_kind_chosen(
    client, owner
):
    page = client.get(COMFORT_URL).content.decode()
    assert f'href="{CREDENTIAL_ADD_URL}?kind=trauma_informed_training"' in page
    form = client.get(CREDENTIAL_ADD_URL + "?kind=trauma_informed_training")
    assert form.context["form"]["kind"].value() == "trauma_informed_training"
    assert re.search(
        r'<option value="trauma_informed_training" selected>', form.content.decode()
    )
    # A kind that does not exist chooses nothing.
    odd = client.get(CREDENTIAL_ADD_URL + "?kind=knighthood")
    assert odd.status_code == 200
    assert not odd.context["form"]["kind"].value()


def test_training_submitted_from_the_dashboard_waits_for_staff(client, owner):
    pdf = factories.make_pdf_bytes("Trauma-informed care training")
    response = client.post(
        CREDENTIAL_ADD_URL,
        {
            "kind": "trauma_informed_training",
            "issuer": "Trauma-Informed Bodywork Institute",
            "number": "TI-2024-77",
            "jurisdiction": "US",
            "evidence": SimpleUploadedFile("cert.pdf", pdf, "application/pdf"),
        },
    )

    assert response.status_code == 302
    credential = owner.credentials.get()
    assert credential.kind == Credential.Kind.TRAUMA_INFORMED
    assert credential.status == Credential.Status.PENDING
    profile = text_of(client.get(owner.get_absolute_url()))
    assert "Verified by our staff on" not in profile
