"""The profile's statements compiled once (profiles.queries): the same rows,
annotations and prefetches as the ORM queryset they are compiled from, with
every value that varies bound afresh on each call."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from profiles import queries
from reviews.forms import ReviewListForm
from tests import factories
from therapists.models import Therapist

pytestmark = pytest.mark.django_db


def fields_of(therapist) -> dict:
    """Every column and annotation the instance holds, and its prefetches."""
    values = {
        name: value
        for name, value in vars(therapist).items()
        if not name.startswith("_")
    }
    values["locations"] = [vars_of(location) for location in therapist.locations.all()]
    values["credentials"] = [
        vars_of(credential) for credential in therapist.credentials.all()
    ]
    return values


def vars_of(instance) -> dict:
    return {k: v for k, v in vars(instance).items() if not k.startswith("_")}


def reference(slug, user, **times) -> Therapist | None:
    return queries.profile_queryset(user, **times).filter(slug=slug).first()


def well_known(therapist) -> Therapist:
    """A therapist with something in every annotation the profile reads."""
    factories.add_language(therapist, "es")
    factories.make_location(therapist, "10001")
    factories.make_location(therapist, "11201", name="Second room")
    factories.make_credential(therapist)
    factories.make_reviews(therapist, [5, 4, 1, 2, 5], pain_before=7, pain_after=3)
    factories.make_interview(therapist=therapist)
    therapist.refresh_from_db()
    return therapist


def test_the_compiled_statement_finds_what_the_orm_finds_for_every_viewer(
    therapist, client_user, staff_user
):
    well_known(therapist)
    clinician = factories.make_clinician()
    factories.make_recommendation(clinician, therapist)
    viewers = [AnonymousUser(), client_user, staff_user, therapist.user, clinician.user]
    for user in viewers:
        compiled = queries.profile_of(therapist.slug, user)
        expected = reference(
            therapist.slug, user, today=timezone.localdate(), now=timezone.now()
        )
        got, want = fields_of(compiled), fields_of(expected)
        # The response window ends at the moment of each query.
        assert got.keys() == want.keys()
        assert {k: v for k, v in got.items() if k != "response_seconds"} == {
            k: v for k, v in want.items() if k != "response_seconds"
        }
        assert got["credentials"] and len(got["locations"]) == 2
        assert got["language_codes"] == "es"
        assert got["recent_negative_count"] == 2


def test_a_draft_is_found_only_for_its_owner_and_staff(client_user, staff_user):
    draft = factories.make_therapist(is_published=False)
    assert queries.profile_of(draft.slug, AnonymousUser()) is None
    assert queries.profile_of(draft.slug, client_user) is None
    assert queries.profile_of(draft.slug, draft.user).pk == draft.pk
    assert queries.profile_of(draft.slug, staff_user).pk == draft.pk
    assert queries.profile_of("nobody-at-all", staff_user) is None


def test_the_time_windows_follow_the_moment_passed(therapist):
    """The clock is bound on every call: a review moves out of the
    twelve-month window, and the badge expires, as the days pass."""
    review = factories.make_review(therapist, rating=1)
    expiry = datetime.date(2031, 5, 6)
    Therapist.objects.filter(pk=therapist.pk).update(badge_valid_until=expiry)
    statement = queries.PROFILES["anonymous"]
    values = {"slug": therapist.slug, "user_id": None}

    def found(now):
        (row,) = statement(**values, today=timezone.localdate(now), now=now)
        return row

    created = review.created_at
    assert found(created + datetime.timedelta(days=364)).recent_negative_count == 1
    assert found(created + datetime.timedelta(days=366)).recent_negative_count == 0
    day_before = timezone.make_aware(
        datetime.datetime.combine(expiry, datetime.time(12))
    )
    assert found(day_before).has_badge
    assert not found(day_before + datetime.timedelta(days=1)).has_badge


@pytest.mark.parametrize(
    "choices",
    [
        {},
        {"sort": "lowest"},
        {"sort": "helpful", "reviews": "verified"},
        {"condition": "sciatica", "sort": "highest"},
    ],
)
def test_review_pages_are_the_orms_pages(therapist, choices):
    sciatica = factories.condition("sciatica")
    for n, rating in enumerate([5, 4, 3, 2, 1, 5, 4]):
        factories.make_review(
            therapist,
            refresh=False,
            rating=rating,
            is_verified_client=n % 2 == 0,
            condition=sciatica if n % 3 else None,
            helpful_count=n,
        )
    factories.make_review(therapist, rating=3)
    therapist.refresh_from_db()
    form = ReviewListForm(choices, conditions=[sciatica])
    assert form.is_valid()
    rows = queries.ReviewRows(form, therapist)
    for number in (1, 2, 3, 99):
        compiled = form.page_of(therapist, number, 3, reviews=rows)
        orm = form.page_of(therapist, number, 3)
        assert compiled.number == orm.number
        assert compiled.paginator.count == orm.paginator.count
        assert [vars_of(r) for r in compiled] == [vars_of(r) for r in orm]
        assert [r.author.username for r in compiled] == [r.author.username for r in orm]


def test_the_profile_still_costs_the_same_few_queries(
    client, therapist, django_assert_max_num_queries
):
    well_known(therapist)
    # Five, and the page cache's version lookup (not kept yet).
    with django_assert_max_num_queries(6):
        response = client.get(therapist.get_absolute_url())
    assert response.status_code == 200
    assert "Second room" in response.content.decode()
