"""The account page, the data export and deleting an account."""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse

from reviews.models import Review
from tests import factories
from tests.accounts.helpers import PASSWORD, field_error, logged_in_user_id
from therapists.models import Therapist
from verification.models import Credential

pytestmark = pytest.mark.django_db

ME_URL = reverse("accounts:me")
EXPORT_URL = reverse("accounts:export")
DELETE_URL = reverse("accounts:delete")
LOGIN_URL = reverse("login")


def full_therapist(email="dana@example.org", name="Dana Owner"):
    """A therapist with a technique, a location, a credential with evidence,
    a photo, and a review received."""
    user = factories.make_account(email, first_name="Dana", last_name="Owner")
    therapist = factories.make_therapist(
        user=user, display_name=name, slug=name.lower().replace(" ", "-")
    )
    factories.add_technique(therapist, "deep-tissue", years=7)
    factories.make_location(therapist, "10001", name=f"{name} studio")
    credential = factories.make_credential(
        therapist, status=Credential.Status.PENDING, number=f"LIC-{user.pk}"
    )
    credential.evidence.save("licence.pdf", ContentFile(b"%PDF-1.4 licence"))
    therapist.photo.save("x.jpg", ContentFile(b"\xff\xd8\xff photo bytes"))
    factories.make_review(therapist, rating=4, title=f"Good work by {name}")
    return therapist


def search_table_rows(therapist_pk) -> int:
    """Rows the full-text index still holds for one therapist id."""
    column = {"sqlite": "rowid", "postgresql": "therapist_id"}[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM therapists_search WHERE {column} = %s",  # noqa: S608
            [therapist_pk],
        )
        return cursor.fetchone()[0]


# --- the account page --------------------------------------------------------


def test_account_page_needs_login(client):
    response = client.get(ME_URL)
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={ME_URL}"


def test_account_page_shows_the_person_and_links_to_export_and_delete(client):
    client.force_login(factories.make_account("imani@example.org", first_name="Imani"))
    html = client.get(ME_URL).content.decode()
    assert "Imani Doe" in html
    assert "imani@example.org" in html
    assert f'href="{EXPORT_URL}"' in html
    assert f'href="{DELETE_URL}"' in html
    assert f'href="{reverse("password_change")}"' in html
    assert "Your therapist profile" not in html


def test_account_page_of_a_therapist_links_to_their_dashboard(client, therapist):
    client.force_login(therapist.user)
    html = client.get(ME_URL).content.decode()
    assert "Your therapist profile" in html
    assert 'href="/dashboard/"' in html


# --- export ------------------------------------------------------------------


def test_export_needs_login(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={EXPORT_URL}"


def test_client_export_is_a_json_download_of_account_and_reviews_written(client):
    user = factories.make_account("imani@example.org", first_name="Imani")
    reviewed = factories.make_therapist(display_name="Rita Reviewed")
    factories.make_review(reviewed, author=user, rating=2, title="Too rough")
    factories.make_review(reviewed, rating=5, title="Someone else's review")
    client.force_login(user)

    response = client.get(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "my-back-care-data.json" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "imani@example.org"
    assert data["account"]["first_name"] == "Imani"
    assert data["account"]["date_joined"]
    assert data["reviews_written"] == [
        {
            "therapist": "Rita Reviewed",
            "rating": 2,
            "title": "Too rough",
            "body": "Careful, attentive deep tissue work.",
            "sessions": 3,
            "pain_before": None,
            "pain_after": None,
            "peg_pain": None,
            "peg_enjoyment": None,
            "peg_activity": None,
            "created_at": data["reviews_written"][0]["created_at"],
        }
    ]
    assert data["therapist_profile"] is None


def test_therapist_export_holds_profile_techniques_locations_credentials_reviews(
    client,
):
    therapist = full_therapist()
    client.force_login(therapist.user)

    profile = json.loads(client.get(EXPORT_URL).content)["therapist_profile"]

    assert profile["display_name"] == "Dana Owner"
    assert profile["slug"] == "dana-owner"
    assert profile["photo"].startswith("therapists/photos/x")
    assert profile["techniques"] == [{"technique": "Deep tissue massage", "years": 7}]
    assert [loc["name"] for loc in profile["locations"]] == ["Dana Owner studio"]
    assert profile["locations"][0]["postal_code"] == "10001"
    (credential,) = profile["credentials"]
    assert credential["status"] == "pending"
    assert credential["number"] == f"LIC-{therapist.user.pk}"
    assert credential["evidence"].startswith("credentials/evidence/licence")
    assert [r["title"] for r in profile["reviews_received"]] == [
        "Good work by Dana Owner"
    ]


def test_therapist_export_includes_rejected_credentials_and_unpublished_drafts(
    client,
):
    therapist = full_therapist()
    Therapist.objects.filter(pk=therapist.pk).update(is_published=False)
    factories.make_credential(therapist, status=Credential.Status.REJECTED)
    client.force_login(therapist.user)

    profile = json.loads(client.get(EXPORT_URL).content)["therapist_profile"]

    assert profile["is_published"] is False
    assert sorted(c["status"] for c in profile["credentials"]) == [
        "pending",
        "rejected",
    ]


def test_therapist_export_holds_only_the_reviews_the_public_can_read(client):
    therapist = full_therapist()
    author = factories.make_user()
    factories.make_review(
        therapist, author=author, title="Replaced", body="My old words."
    )
    factories.make_review(therapist, author=author, title="Current", body="Now.")
    factories.make_review(
        therapist,
        title="Held",
        body="My sciatica and my divorce, in detail.",
        status=Review.Status.HELD,
    )
    factories.make_review(
        therapist, title="Removed", body="Abuse.", status=Review.Status.REMOVED
    )
    client.force_login(therapist.user)

    response = client.get(EXPORT_URL)
    received = json.loads(response.content)["therapist_profile"]["reviews_received"]

    assert sorted(r["title"] for r in received) == [
        "Current",
        "Good work by Dana Owner",
    ]
    for withheld in ("My old words", "sciatica", "Abuse"):
        assert withheld not in response.content.decode()


def test_export_never_contains_another_users_data(client):
    mine = full_therapist("dana@example.org", "Dana Owner")
    full_therapist("olive@example.org", "Olive Other")
    factories.make_review(mine, author=mine.user, title="Reviewing myself")
    client.force_login(mine.user)

    text = client.get(EXPORT_URL).content.decode()

    assert "Dana Owner" in text
    assert "Olive Other" not in text
    assert "olive@example.org" not in text
    assert f"LIC-{mine.user.pk}" in text


# --- delete ------------------------------------------------------------------


def test_delete_page_needs_login(client):
    factories.make_account()
    assert client.get(DELETE_URL).url == f"{LOGIN_URL}?next={DELETE_URL}"
    response = client.post(DELETE_URL, {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    assert get_user_model().objects.count() == 1


def test_delete_page_warns_and_asks_for_password_and_confirmation(client):
    client.force_login(factories.make_account())
    html = client.get(DELETE_URL).content.decode()
    assert "This cannot be undone." in html
    assert 'name="password"' in html
    assert 'name="confirm"' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"password": "not-my-password", "confirm": "on"},
            "password",
            "That is not your current password.",
        ),
        ({"password": PASSWORD}, "confirm", "This field is required."),
        ({"confirm": "on"}, "password", "This field is required."),
    ],
    ids=["wrong-password", "not-ticked", "no-password"],
)
def test_delete_refused_shows_the_error_by_the_field_and_deletes_nothing(
    client, django_capture_on_commit_callbacks, data, field, message
):
    therapist = full_therapist()
    user = therapist.user
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, data)

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert Therapist.objects.filter(pk=therapist.pk).exists()
    assert Path(therapist.photo.path).exists()
    assert logged_in_user_id(client) == str(user.pk)


def test_delete_account_removes_the_user_and_logs_out(client):
    user = factories.make_account()
    client.force_login(user)
    response = client.post(
        DELETE_URL, {"password": PASSWORD, "confirm": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your account and everything in it is deleted." in (
        response.content.decode()
    )
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert logged_in_user_id(client) is None


def test_deleted_therapist_loses_profile_credentials_and_search_listing(
    client, django_capture_on_commit_callbacks
):
    therapist = full_therapist()
    assert "Dana Owner" in client.get(reverse("therapists:list")).content.decode()
    client.force_login(therapist.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(DELETE_URL, {"password": PASSWORD, "confirm": "on"})

    assert not Therapist.objects.filter(pk=therapist.pk).exists()
    assert not Credential.objects.filter(therapist_id=therapist.pk).exists()
    assert not Review.objects.filter(therapist_id=therapist.pk).exists()
    assert not Therapist.objects.search("Dana Owner").exists()
    for url in (
        reverse("therapists:list"),
        f"{reverse('therapists:list')}?q=Dana",
    ):
        assert "Dana Owner" not in client.get(url).content.decode()
    assert client.get(therapist.get_absolute_url()).status_code == 404


def test_deleting_a_therapist_removes_their_photo_and_evidence_files(
    client, django_capture_on_commit_callbacks
):
    therapist = full_therapist()
    factories.make_credential(therapist).evidence.save(
        "second.pdf", ContentFile(b"%PDF-1.4 second")
    )
    files = [Path(therapist.photo.path)] + [
        Path(credential.evidence.path) for credential in therapist.credentials.all()
    ]
    assert len(files) == 3
    assert all(path.exists() for path in files)
    client.force_login(therapist.user)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(DELETE_URL, {"password": PASSWORD, "confirm": "on"})

    assert callbacks
    assert [path for path in files if path.exists()] == []


def test_deleting_a_therapist_leaves_other_therapists_files_alone(
    client, django_capture_on_commit_callbacks
):
    mine = full_therapist("dana@example.org", "Dana Owner")
    theirs = full_therapist("olive@example.org", "Olive Other")
    client.force_login(mine.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(DELETE_URL, {"password": PASSWORD, "confirm": "on"})

    assert Path(theirs.photo.path).exists()
    assert Path(theirs.credentials.get().evidence.path).exists()
    assert Therapist.objects.filter(pk=theirs.pk).exists()


def test_deleting_an_account_removes_its_reviews_and_recounts_the_therapist(
    client, django_capture_on_commit_callbacks
):
    leaving = factories.make_account("leaving@example.org")
    reviewed = factories.make_therapist(display_name="Rita Reviewed")
    factories.make_reviews(reviewed, [1, 2], author=leaving)
    staying = factories.make_review(reviewed, rating=5)
    reviewed.refresh_from_db()
    # The second review replaced the first (kept as history, not counted).
    assert (reviewed.rating_count, reviewed.rating_average) == (2, 3.5)
    client.force_login(leaving)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(DELETE_URL, {"password": PASSWORD, "confirm": "on"})

    assert list(Review.objects.all()) == [staying]
    reviewed.refresh_from_db()
    assert reviewed.rating_count == 1
    assert reviewed.rating_average == 5
    assert reviewed.rating_1_count == 0
    assert reviewed.rating_5_count == 1


def test_deleting_a_therapist_removes_their_search_document(
    client, django_capture_on_commit_callbacks
):
    therapist = full_therapist()
    assert search_table_rows(therapist.pk) == 1
    client.force_login(therapist.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(DELETE_URL, {"password": PASSWORD, "confirm": "on"})

    assert search_table_rows(therapist.pk) == 0
