"""Signing up as a clinician, confirming, landing on the clinician page; and a
clinician's data export and account deletion."""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts import throttling
from clinicians.models import Clinician
from recommendations.models import Recommendation
from tests import factories
from tests.accounts.helpers import PASSWORD, field_error, link_in
from verification.models import Credential

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("accounts:clinician-signup")
HOME = reverse("recommendations:clinician-home")
GOOD_PASSWORD = "lantern-orchard-47"


def signup_data(**overrides):
    data = {
        "first_name": "Maya",
        "last_name": "Chen",
        "display_name": "Dr. Maya Chen",
        "profession": "physician",
        "practice_name": "Lakeside Spine Clinic",
        "city": "Denver",
        "state": "CO",
        "email": "Maya.Chen@Example.org",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_sign_up_page_links_to_the_clinician_sign_up(client):
    html = client.get(reverse("accounts:signup")).content.decode()
    assert f'href="{SIGNUP_URL}"' in html


def test_clinician_sign_up_creates_an_inactive_account_and_a_clinician(client):
    response = client.post(SIGNUP_URL, signup_data())
    assert response.status_code == 200
    assert "maya.chen@example.org" in response.content.decode()
    clinician = Clinician.objects.select_related("user").get()
    assert clinician.user.username == "maya.chen@example.org"
    assert clinician.user.is_active is False
    assert (
        clinician.display_name,
        clinician.profession,
        clinician.practice_name,
        clinician.city,
        clinician.state,
    ) == ("Dr. Maya Chen", "physician", "Lakeside Spine Clinic", "Denver", "CO")
    assert clinician.verified_until is None
    assert not hasattr(clinician.user, "therapist")
    (email,) = mail.outbox
    assert email.to == ["maya.chen@example.org"]


def test_confirming_lands_the_clinician_on_their_page_asking_for_the_licence(
    client,
):
    client.post(SIGNUP_URL, signup_data())
    response = client.post(link_in(mail.outbox[-1]), follow=True)
    assert response.redirect_chain[-1][0] == HOME
    html = response.content.decode()
    assert "Submit your licence" in html
    assert "Dr. Maya Chen" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("profession", "", "Choose your profession."),
        ("profession", "dentist", "Select a valid choice."),
        ("state", "", "Choose the state where you practise."),
        ("state", "ZZ", "Select a valid choice."),
        ("display_name", "", "This field is required."),
        ("practice_name", "", "This field is required."),
        ("city", "x" * 81, "Ensure this value has at most 80 characters"),
    ],
)
def test_a_bad_field_is_explained_next_to_it_and_creates_nothing(
    client, field, value, message
):
    response = client.post(SIGNUP_URL, signup_data(**{field: value}))
    assert response.status_code == 200
    assert field_error(response, field).startswith(message)
    assert not get_user_model().objects.exists()
    assert not Clinician.objects.exists()


def test_an_address_already_used_is_refused(client):
    factories.make_account("maya.chen@example.org")
    response = client.post(SIGNUP_URL, signup_data())
    assert "An account with this email already exists" in field_error(response, "email")
    assert not Clinician.objects.exists()


def test_clinician_sign_ups_share_the_sign_up_limit(client):
    for n in range(throttling.SIGNUPS_PER_IP.count):
        client.post(SIGNUP_URL, signup_data(email=f"dr{n}@example.org"))
    response = client.post(SIGNUP_URL, signup_data(email="late@example.org"))
    assert "Too many attempts" in response.content.decode()
    assert Clinician.objects.count() == throttling.SIGNUPS_PER_IP.count


def test_logging_in_lands_a_clinician_on_their_page(client):
    clinician = factories.make_clinician(verified=False)
    client.force_login(clinician.user)
    assert client.get(reverse("accounts:home")).url == HOME
    me = client.get(reverse("accounts:me")).content.decode()
    assert f'href="{HOME}"' in me


def test_a_clients_account_page_does_not_link_a_clinician_page(client):
    client.force_login(factories.make_user())
    assert f'href="{HOME}"' not in client.get(reverse("accounts:me")).content.decode()


def test_the_export_holds_the_clinician_their_licences_and_recommendations(client):
    clinician = factories.make_clinician()
    recommendation = factories.make_recommendation(
        clinician, statement="I refer patients to her."
    )
    client.force_login(clinician.user)
    data = json.loads(client.get(reverse("accounts:export")).content)
    profile = data["clinician_profile"]
    assert profile["display_name"] == "Dr. Maya Chen"
    assert profile["licences"][0]["issuer"] == "Colorado Medical Board"
    (written,) = profile["recommendations_written"]
    assert written["therapist"] == recommendation.therapist.display_name
    assert written["statement"] == "I refer patients to her."
    assert written["created_at"].startswith(f"{recommendation.created_at:%Y-%m-%d}")
    assert written["withdrawn_at"] is None
    assert data["therapist_profile"] is None


def test_deleting_a_clinicians_account_deletes_the_licence_and_its_document(
    client, django_capture_on_commit_callbacks
):
    user = factories.make_account("maya@example.org")
    clinician = factories.make_clinician(user=user)
    licence = clinician.credentials.get()
    licence.evidence.save("licence.pdf", ContentFile(b"%PDF-1.4 licence"))
    path = Path(licence.evidence.path)
    therapist = factories.make_therapist()
    factories.make_recommendation(clinician, therapist)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert not Clinician.objects.exists()
    assert not Credential.objects.exists()
    assert not Recommendation.objects.exists()
    assert not path.exists()
    therapist.refresh_from_db()
    assert therapist.clinician_recommendation_count == 0
