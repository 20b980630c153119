"""The typical course of care (sessions before reassessing): edited on the
dashboard's profile form, shown on the comparison, in the therapist's export.
Who may use the profile form at all: test_permissions.py."""

import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests import factories
from tests.dashboard.test_views import PROFILE_URL, field_error, profile_data
from tests.shortlist.helpers import compare_table
from therapists.export import profile_data as exported_profile

pytestmark = pytest.mark.django_db

COMPARE_URL = reverse("shortlist:compare")
ROW = "Typical course of care as the therapist states it"


@pytest.fixture
def owner(client, therapist):
    client.force_login(therapist.user)
    return therapist


def test_the_owner_states_their_course_of_care(client, owner):
    page = client.get(PROFILE_URL).content.decode()
    assert "Sessions before you reassess (optional)" in page

    response = client.post(PROFILE_URL, profile_data(sessions_before_reassessing="6"))

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.sessions_before_reassessing == 6
    assert owner.course_of_care == "Typically reassesses after 6 sessions"


def test_leaving_it_blank_states_nothing(client, owner):
    owner.sessions_before_reassessing = 5
    owner.save()

    client.post(PROFILE_URL, profile_data(sessions_before_reassessing=""))

    owner.refresh_from_db()
    assert owner.sessions_before_reassessing is None
    assert owner.course_of_care == ""


@pytest.mark.parametrize("value", ["0", "21", "-3", "2.5", "six"])
def test_a_number_outside_1_to_20_is_refused_next_to_the_field(client, owner, value):
    owner.sessions_before_reassessing = 5
    owner.save()

    response = client.post(PROFILE_URL, profile_data(sessions_before_reassessing=value))

    assert response.status_code == 200
    assert "from 1 to 20" in field_error(response, "sessions_before_reassessing")
    owner.refresh_from_db()
    assert owner.sessions_before_reassessing == 5
    assert owner.display_name == "Dana Owner"


def test_another_therapist_edits_only_their_own(client, therapist, other_therapist):
    client.force_login(other_therapist.user)

    client.post(PROFILE_URL, profile_data(sessions_before_reassessing="3"))

    therapist.refresh_from_db()
    other_therapist.refresh_from_db()
    assert therapist.sessions_before_reassessing is None
    assert other_therapist.sessions_before_reassessing == 3


def test_anonymous_post_changes_nothing(client, therapist):
    response = client.post(PROFILE_URL, profile_data(sessions_before_reassessing="3"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    therapist.refresh_from_db()
    assert therapist.sessions_before_reassessing is None


def test_the_database_refuses_a_number_outside_1_to_20(therapist):
    therapist.sessions_before_reassessing = 0
    with pytest.raises(IntegrityError), transaction.atomic():
        therapist.save()


def test_the_comparison_shows_it_or_not_stated(client):
    stated = factories.make_therapist(display_name="Stated Stella")
    stated.sessions_before_reassessing = 3
    stated.save()
    silent = factories.make_therapist(display_name="Silent Sam")

    response = client.get(COMPARE_URL, [("t", stated.slug), ("t", silent.slug)])

    table = compare_table(response)
    assert table.column("Stated Stella")[ROW] == (
        "Typically reassesses after 3 sessions"
    )
    assert table.column("Silent Sam")[ROW] == "Not stated"


def test_the_comparison_for_a_doctor_shows_it(client):
    stated = factories.make_therapist(display_name="Stated Stella")
    stated.sessions_before_reassessing = 1
    stated.save()
    silent = factories.make_therapist(display_name="Silent Sam")

    response = client.get(
        reverse("shortlist:compare_print"), [("t", stated.slug), ("t", silent.slug)]
    )

    page = response.content.decode()
    assert "Typically reassesses after 1 session, as the therapist states it" in page
    assert "<td>Not stated</td>" in page


def test_the_therapists_export_holds_it(client, owner):
    owner.sessions_before_reassessing = 8
    owner.save()

    assert exported_profile(owner)["sessions_before_reassessing"] == 8
    response = client.get(reverse("accounts:export"))
    data = json.loads(response.content)
    assert data["therapist_profile"]["sessions_before_reassessing"] == 8
