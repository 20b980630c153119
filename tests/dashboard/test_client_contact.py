"""How clients a therapist accepts reach them, set in the profile editor and shown
on the dashboard; and the dashboard's wording once published or never confirmed."""

import html
import re

import pytest
from django.urls import reverse

from tests import factories
from tests.dashboard.test_views import HOME_URL, PROFILE_URL, profile_data, state

pytestmark = pytest.mark.django_db

PHONE = "+1 212 555 0142"
BOOKING = "https://book.example.org/dana"


@pytest.fixture
def owner(client, therapist):
    client.force_login(therapist.user)
    return therapist


def field_error(response, field: str) -> str:
    match = re.search(
        rf'<p class="field__error" id="id_{field}_error">(.*?)</p>',
        response.content.decode(),
        re.DOTALL,
    )
    return html.unescape(match[1]) if match else ""


def contact_card(response) -> str:
    page = response.content.decode()
    start = page.index('id="client-contact"')
    card = page[start : page.index("</section>", start)]
    return html.unescape(re.sub(r"<[^>]+>", "", card))


# --- the profile editor -----------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "stored"),
    [
        ({"client_contact": "phone", "contact_phone": PHONE}, ("phone", PHONE, "")),
        (
            {"client_contact": "booking", "booking_url": BOOKING},
            ("booking", "", BOOKING),
        ),
        ({"client_contact": "email"}, ("email", "", "")),
    ],
    ids=["phone", "booking", "email"],
)
def test_profile_editor_saves_how_accepted_clients_reach_the_therapist(
    client, owner, posted, stored
):
    response = client.post(PROFILE_URL, profile_data(**posted))
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.client_contact, owner.contact_phone, owner.booking_url) == stored


def test_profile_editor_offers_the_three_ways_with_the_current_one_chosen(
    client, owner
):
    page = client.get(PROFILE_URL).content.decode()
    radios = re.findall(r'<input type="radio" name="client_contact"[^>]*>', page)
    assert [re.search(r'value="(\w+)"', r)[1] for r in radios] == [
        "email",
        "phone",
        "booking",
    ]
    assert [("checked" in r) for r in radios] == [True, False, False]


def test_a_post_without_a_choice_keeps_the_current_one(client, owner):
    owner.client_contact, owner.contact_phone = "phone", PHONE
    owner.save()
    # Every other field as the page holds it; only the radio is missing.
    data = profile_data(contact_phone=PHONE)
    assert client.post(PROFILE_URL, data).status_code == 302
    owner.refresh_from_db()
    assert (owner.client_contact, owner.contact_phone) == ("phone", PHONE)


BAD_CONTACT_INPUT = {
    "phone-without-number": (
        {"client_contact": "phone", "contact_phone": ""},
        "contact_phone",
        "Give the phone number clients should call, or choose email.",
    ),
    "phone-too-short": (
        {"client_contact": "phone", "contact_phone": "555"},
        "contact_phone",
        "Enter the whole phone number with its area code, e.g. 212 555 0100.",
    ),
    "phone-too-long": (
        {"client_contact": "phone", "contact_phone": "5" * 31},
        "contact_phone",
        "Keep the phone number under 30 characters.",
    ),
    "booking-without-link": (
        {"client_contact": "booking", "booking_url": ""},
        "booking_url",
        "Give the link where clients book, or choose email.",
    ),
    "booking-script-link": (
        {"client_contact": "booking", "booking_url": "javascript:alert(1)"},
        "booking_url",
        "Enter the whole address of your booking page, starting with https://",
    ),
    "booking-ftp-link": (
        {"client_contact": "booking", "booking_url": "ftp://files.example.org/x"},
        "booking_url",
        "Enter the whole address of your booking page, starting with https://",
    ),
    "unknown-way": (
        {"client_contact": "pigeon"},
        "client_contact",
        "Choose email, phone or online booking.",
    ),
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    list(BAD_CONTACT_INPUT.values()),
    ids=list(BAD_CONTACT_INPUT),
)
def test_bad_contact_is_refused_next_to_its_field_and_saves_nothing(
    client, owner, changes, field, message
):
    before = state(owner)
    response = client.post(PROFILE_URL, profile_data(**changes))
    assert response.status_code == 200
    if field == "client_contact":
        assert message in html.unescape(response.content.decode())
    else:
        assert field_error(response, field) == message
    # Reported once, next to the field, not again at the top of the form.
    assert "Give the phone number or booking link" not in response.content.decode()
    assert state(owner) == before


# --- the dashboard ------------------------------------------------------------------


def test_dashboard_shows_what_accepted_clients_will_see(client, owner):
    owner.user.email = "dana@example.org"
    owner.user.save()
    card = contact_card(client.get(HOME_URL))
    assert "Email: dana@example.org" in card
    assert "When you accept an interview request, that client sees this" in card

    owner.client_contact, owner.contact_phone = "phone", PHONE
    owner.save()
    assert f"Phone: {PHONE}" in contact_card(client.get(HOME_URL))


def test_another_therapists_dashboard_never_shows_the_owners_contact(
    client, therapist, other_therapist
):
    therapist.client_contact, therapist.contact_phone = "phone", PHONE
    therapist.save()
    client.force_login(other_therapist.user)
    assert PHONE not in client.get(HOME_URL).content.decode()


def checklist_heading(response) -> str:
    return re.search(
        r'<h2 id="checklist-heading">(.*?)</h2>', response.content.decode()
    )[1]


def test_checklist_is_before_you_publish_only_until_published(client):
    draft = factories.make_publishable_draft()
    client.force_login(draft.user)
    assert checklist_heading(client.get(HOME_URL)) == "Before you publish"

    client.post(reverse("dashboard:publish"), {"action": "publish"})

    response = client.get(HOME_URL)
    assert checklist_heading(response) == "Your profile checklist"
    assert "Before you publish" not in response.content.decode()


def test_never_confirmed_details_are_said_plainly(client, owner):
    owner.details_confirmed_on = None
    owner.save()
    page = client.get(HOME_URL).content.decode()
    assert "You have not confirmed them yet" in page
    assert "Not confirmed by the therapist yet." in page
    assert "confirmed them on None" not in page
