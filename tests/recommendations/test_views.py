"""Recommending from a profile, and the clinician's own pages: who may open
and post what, bad input, limits and CSRF."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from recommendations import writing
from recommendations.models import Recommendation
from tests import factories
from tests.accounts.helpers import field_error
from verification.models import Credential

pytestmark = pytest.mark.django_db

STATEMENT = "I refer patients with chronic low back pain to her."
VIEWERS = ["client", "therapist", "unverified", "staff", "self"]


def recommend_url(therapist) -> str:
    return reverse("recommendations:recommend", args=[therapist.slug])


@pytest.fixture
def verified_clinician(db):
    return factories.make_clinician()


def viewer(name, therapist):
    """The user of each kind of account who is not allowed to recommend."""
    if name == "client":
        return factories.make_user()
    if name == "therapist":
        return factories.make_therapist().user
    if name == "unverified":
        return factories.make_clinician(verified=False).user
    if name == "staff":
        return factories.make_staff_user(permissions=["verification.verify_credential"])
    # A clinician whose account is the therapist's own.
    return factories.make_clinician(user=therapist.user).user


def test_anonymous_visitors_are_sent_to_log_in(client, therapist):
    for method in (client.get, client.post):
        response = method(recommend_url(therapist), {"statement": STATEMENT})
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("who", VIEWERS)
def test_only_a_verified_clinician_may_recommend(client, therapist, who):
    client.force_login(viewer(who, therapist))
    assert client.get(recommend_url(therapist)).status_code == 403
    response = client.post(recommend_url(therapist), {"statement": STATEMENT})
    assert response.status_code == 403
    assert not Recommendation.objects.exists()


def test_the_refusal_says_why(client, therapist):
    client.force_login(viewer("unverified", therapist))
    assert writing.NOT_VERIFIED in client.get(recommend_url(therapist)).content.decode()
    client.force_login(viewer("self", therapist))
    assert writing.SELF in client.get(recommend_url(therapist)).content.decode()


def test_a_verified_clinician_recommends_and_lands_on_the_profile(
    client, therapist, verified_clinician
):
    client.force_login(verified_clinician.user)
    assert client.get(recommend_url(therapist)).status_code == 200
    response = client.post(recommend_url(therapist), {"statement": STATEMENT})
    assert response.status_code == 302
    assert response.url == therapist.get_absolute_url() + "#recommendations"
    recommendation = Recommendation.objects.get()
    assert (recommendation.clinician, recommendation.therapist) == (
        verified_clinician,
        therapist,
    )
    assert recommendation.statement == STATEMENT
    therapist.refresh_from_db()
    assert therapist.clinician_recommendation_count == 1


def test_a_draft_profile_cannot_be_recommended(client, verified_clinician):
    draft = factories.make_therapist(is_published=False)
    client.force_login(verified_clinician.user)
    assert client.get(recommend_url(draft)).status_code == 404
    assert (
        client.post(recommend_url(draft), {"statement": STATEMENT}).status_code == 404
    )


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("", "Say how you know their work."),
        ("   ", "Say how you know their work."),
        ("Great!", "Say in a sentence how you know their work"),
        ("x" * 301, "Keep it to 300 characters (this has 301)."),
    ],
)
def test_a_bad_statement_is_explained_next_to_it_and_changes_nothing(
    client, therapist, verified_clinician, statement, message
):
    client.force_login(verified_clinician.user)
    response = client.post(recommend_url(therapist), {"statement": statement})
    assert response.status_code == 200
    assert field_error(response, "statement").startswith(message)
    assert not Recommendation.objects.exists()


def test_a_second_recommendation_of_the_same_therapist_is_refused(
    client, therapist, verified_clinician
):
    factories.make_recommendation(verified_clinician, therapist)
    client.force_login(verified_clinician.user)
    page = client.get(recommend_url(therapist)).content.decode()
    assert "You already recommend" in page
    assert 'name="statement"' not in page
    response = client.post(recommend_url(therapist), {"statement": STATEMENT})
    assert response.status_code == 200
    assert "You already recommend" in response.content.decode()
    assert Recommendation.objects.count() == 1


def test_recommendations_are_limited_per_clinician(client, verified_clinician):
    client.force_login(verified_clinician.user)
    therapists = [
        factories.make_therapist()
        for _ in range(writing.RECOMMENDATIONS_PER_HOUR.count + 1)
    ]
    for therapist in therapists[:-1]:
        response = client.post(recommend_url(therapist), {"statement": STATEMENT})
        assert response.status_code == 302
    response = client.post(recommend_url(therapists[-1]), {"statement": STATEMENT})
    assert response.status_code == 200
    assert "Too many attempts" in response.content.decode()
    assert Recommendation.objects.count() == writing.RECOMMENDATIONS_PER_HOUR.count


def test_posting_without_the_csrf_token_is_refused(therapist, verified_clinician):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(verified_clinician.user)
    response = browser.post(recommend_url(therapist), {"statement": STATEMENT})
    assert response.status_code == 403
    assert not Recommendation.objects.exists()


# --- withdrawing ---------------------------------------------------------------


def withdraw_url(recommendation) -> str:
    return reverse("recommendations:withdraw", args=[recommendation.pk])


def test_the_clinician_withdraws_their_own_recommendation(client, therapist):
    recommendation = factories.make_recommendation(therapist=therapist)
    client.force_login(recommendation.clinician.user)
    response = client.post(withdraw_url(recommendation))
    assert response.url == reverse("recommendations:clinician-home")
    recommendation.refresh_from_db()
    assert recommendation.withdrawn_at is not None
    therapist.refresh_from_db()
    assert therapist.clinician_recommendation_count == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("client", 403), ("other clinician", 404), ("staff", 403)],
)
def test_nobody_else_withdraws_a_recommendation(client, therapist, who, status):
    recommendation = factories.make_recommendation(therapist=therapist)
    if who == "client":
        client.force_login(factories.make_user())
    elif who == "other clinician":
        client.force_login(factories.make_clinician(display_name="Dr. Other").user)
    elif who == "staff":
        client.force_login(factories.make_staff_user())
    assert client.post(withdraw_url(recommendation)).status_code == status
    recommendation.refresh_from_db()
    assert recommendation.withdrawn_at is None


def test_withdrawing_takes_a_post(client, therapist):
    recommendation = factories.make_recommendation(therapist=therapist)
    client.force_login(recommendation.clinician.user)
    assert client.get(withdraw_url(recommendation)).status_code == 405
    recommendation.refresh_from_db()
    assert recommendation.withdrawn_at is None


# --- the clinician's page and licence -------------------------------------------

HOME = reverse("recommendations:clinician-home")
ADD_LICENCE = reverse("recommendations:licence-add")


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("client", 403), ("therapist", 403), ("staff", 403)],
)
def test_only_clinicians_have_a_clinician_page(client, who, status):
    if who == "client":
        client.force_login(factories.make_user())
    elif who == "therapist":
        client.force_login(factories.make_therapist().user)
    elif who == "staff":
        client.force_login(factories.make_staff_user())
    for url in (HOME, ADD_LICENCE):
        assert client.get(url).status_code == status


def test_the_clinician_page_shows_the_licence_and_every_recommendation(client):
    clinician = factories.make_clinician()
    shown = factories.make_recommendation(clinician, statement="I refer my patients.")
    withdrawn = factories.make_recommendation(clinician, statement="Seen her work.")
    writing.withdraw(recommendation=withdrawn)
    client.force_login(clinician.user)
    page = client.get(HOME).content.decode()
    assert "Your licence is verified until" in page
    assert shown.therapist.display_name in page
    assert "I refer my patients." in page
    assert "withdrawn" in page
    assert page.count('action="/clinicians/recommendations/') == 1


def test_the_clinician_page_query_count_does_not_grow_with_recommendations(
    client, django_assert_max_num_queries
):
    clinician = factories.make_clinician()
    factories.make_recommendation(clinician)
    client.force_login(clinician.user)
    with django_assert_max_num_queries(8) as few:
        client.get(HOME)
    for _ in range(4):
        factories.make_recommendation(clinician)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(HOME)


def licence_data(**overrides):
    data = {
        "issuer": "Colorado Medical Board",
        "number": "DR-123456",
        "jurisdiction": "CO",
        "issued_on": "2019-06-01",
        "expires_on": str(timezone.localdate() + datetime.timedelta(days=400)),
        "evidence": SimpleUploadedFile(
            "licence.pdf", factories.make_pdf_bytes(), content_type="application/pdf"
        ),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_clinician_submits_their_licence_for_staff_to_check(client):
    clinician = factories.make_clinician(verified=False)
    client.force_login(clinician.user)
    response = client.post(ADD_LICENCE, licence_data())
    assert response.url == HOME
    licence = Credential.objects.get()
    assert (licence.clinician, licence.therapist) == (clinician, None)
    assert licence.kind == Credential.Kind.STATE_LICENCE
    assert licence.status == Credential.Status.PENDING
    assert list(Credential.objects.awaiting_decision()) == [licence]
    assert licence.events.get().action == "submitted"
    clinician.refresh_from_db()
    assert not clinician.is_verified


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"expires_on": ""}, "expires_on", "Enter the date your licence expires."),
        ({"jurisdiction": "US"}, "jurisdiction", "Choose a state from the list."),
        ({"jurisdiction": ""}, "jurisdiction", "Choose the state that issued"),
        ({"issued_on": "2030-01-01"}, "expires_on", "The expiry date is before"),
        ({"evidence": None}, "evidence", "This field is required."),
    ],
)
def test_a_bad_licence_is_explained_next_to_the_field_and_saves_nothing(
    client, overrides, field, message
):
    clinician = factories.make_clinician(verified=False)
    client.force_login(clinician.user)
    if overrides.get("issued_on"):
        overrides["expires_on"] = "2029-01-01"
    response = client.post(ADD_LICENCE, licence_data(**overrides))
    assert response.status_code == 200
    assert field_error(response, field).startswith(message)
    assert not Credential.objects.exists()


def test_a_clinician_cannot_open_another_clinicians_licence(client):
    licence = factories.make_licence(factories.make_clinician(verified=False))
    client.force_login(factories.make_clinician(verified=False).user)
    url = reverse("recommendations:licence-edit", args=[licence.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, licence_data(number="DR-1")).status_code == 404
    licence.refresh_from_db()
    assert licence.number != "DR-1"


def test_a_therapist_credential_is_not_a_clinicians_licence(client):
    credential = factories.make_credential()
    client.force_login(factories.make_clinician(verified=False).user)
    url = reverse("recommendations:licence-edit", args=[credential.pk])
    assert client.get(url).status_code == 404


def test_editing_a_verified_licence_sends_it_back_to_staff(client, therapist):
    clinician = factories.make_clinician()
    factories.make_recommendation(clinician, therapist)
    licence = clinician.credentials.get()
    client.force_login(clinician.user)
    response = client.post(
        reverse("recommendations:licence-edit", args=[licence.pk]),
        licence_data(
            number="DR-777777",
            jurisdiction=licence.jurisdiction,
            issuer=licence.issuer,
            expires_on=str(licence.expires_on),
            issued_on="",
        ),
    )
    assert response.url == HOME
    licence.refresh_from_db()
    assert licence.status == Credential.Status.PENDING
    therapist.refresh_from_db()
    assert therapist.clinician_recommendation_count == 0


def test_only_a_verified_licence_warns_that_editing_sends_it_back(client):
    clinician = factories.make_clinician()
    client.force_login(clinician.user)
    warning = "sends your licence back for checking"
    assert warning not in client.get(ADD_LICENCE).content.decode()
    licence = clinician.credentials.get()
    edit = reverse("recommendations:licence-edit", args=[licence.pk])
    assert warning in client.get(edit).content.decode()
