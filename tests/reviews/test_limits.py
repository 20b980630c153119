"""Limits on writing and reporting reviews, and invitations spent once: the
hourly review limit and the invitation are checked inside the write's lock, so
requests at the same moment cannot pass them; reports are counted per account
and per IP in the shared cache."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews import writing
from reviews.forms import ReviewForm
from reviews.models import Review, ReviewInvitation, ReviewReport
from tests import factories
from tests.reviews.concurrency import RACE, at_once, race, restore_taxonomies

LIMIT_MESSAGE = "You have posted 5 reviews in the last hour. Please come back later."
REPORT_LIMIT = "Too many attempts. Please try again in"


def write_url(therapist):
    return reverse("reviews:write", kwargs={"slug": therapist.slug})


def valid_form() -> ReviewForm:
    form = ReviewForm(factories.make_review_form_data())
    assert form.is_valid(), form.errors
    return form


def make_recent_reviews(author, count):
    when = timezone.now() - datetime.timedelta(minutes=10)
    return [factories.make_review(author=author, created_at=when) for _ in range(count)]


# --- the hourly limit, inside the lock -------------------------------------------


@pytest.mark.django_db
def test_hourly_limit_is_checked_inside_the_write(client_user, therapist):
    """A form validated before other reviews were saved (as by a request that
    ran at the same moment) is still refused when it is written."""
    form = valid_form()
    make_recent_reviews(client_user, 5)

    with pytest.raises(ValidationError) as refused:
        writing.submit_review(therapist=therapist, author=client_user, form=form)

    assert refused.value.messages == [LIMIT_MESSAGE]
    assert Review.objects.filter(author=client_user).count() == 5
    assert not Review.objects.filter(therapist=therapist).exists()


@pytest.mark.django_db
def test_hourly_count_runs_after_the_authors_row_is_locked(client_user, therapist):
    """The author's row is locked (FOR UPDATE on PostgreSQL) before their recent
    reviews are counted, so one author's writes are counted one after another.
    SQLite's IMMEDIATE transaction already holds the one write lock: no query."""
    form = valid_form()

    with CaptureQueriesContext(connection) as queries:
        writing.submit_review(therapist=therapist, author=client_user, form=form)

    sql = [query["sql"] for query in queries.captured_queries]
    locks = [
        index
        for index, statement in enumerate(sql)
        if 'FROM "auth_user"' in statement and str(client_user.pk) in statement
    ]
    count = next(
        index
        for index, statement in enumerate(sql)
        if 'FROM "reviews_review"' in statement and '"created_at" >=' in statement
    )
    if connection.vendor == "postgresql":
        assert locks and locks[0] < count
        assert "FOR UPDATE" in sql[locks[0]]
    else:
        assert locks == []


def sixteen_reviews_at_once() -> dict:
    """One account posts 16 reviews of 16 therapists at the same moment."""
    author = factories.make_user()
    therapists = [factories.make_therapist() for _ in range(16)]
    clients = []
    for _ in therapists:
        client = Client()
        client.force_login(author)
        clients.append(client)

    def post(client, therapist):
        response = client.post(write_url(therapist), factories.make_review_form_data())
        return response.status_code

    results = at_once(
        [
            lambda c=client, t=therapist: post(c, t)
            for client, therapist in zip(clients, therapists, strict=True)
        ]
    )
    return {
        "statuses": [str(result) for result in results],
        "stored": Review.objects.filter(author=author).count(),
    }


@RACE
def test_sixteen_simultaneous_reviews_from_one_account_store_five(tmp_path):
    outcome = race(sixteen_reviews_at_once, tmp_path)

    assert outcome["stored"] == 5
    assert sorted(outcome["statuses"]) == ["200"] * 11 + ["302"] * 5


# --- invitations, spent inside the lock ----------------------------------------------


@pytest.mark.django_db
def test_invitation_used_since_it_was_read_does_not_verify(client_user, therapist):
    """The invitation the page read as unused was spent by another client before
    this review was written: it is checked again inside the write."""
    invitation = factories.make_invitation(therapist)
    first = factories.make_user()
    ReviewInvitation.objects.filter(pk=invitation.pk).update(
        used_by=first, used_at=timezone.now()
    )

    review = writing.submit_review(
        therapist=therapist,
        author=client_user,
        form=valid_form(),
        invitation=invitation,
    )

    assert not review.is_verified_client
    invitation.refresh_from_db()
    assert invitation.used_by == first


def one_invitation_six_clients() -> dict:
    """Six clients post a review with the same invitation at the same moment."""
    therapist = factories.make_therapist()
    invitation = factories.make_invitation(therapist)
    clients = []
    for _ in range(6):
        client = Client()
        client.force_login(factories.make_user())
        clients.append(client)
    url = f"{write_url(therapist)}?invite={invitation.token}"

    def post(client):
        return client.post(url, factories.make_review_form_data()).status_code

    results = at_once([lambda c=client: post(c) for client in clients])
    invitation.refresh_from_db()
    return {
        "statuses": [str(result) for result in results],
        "verified": Review.objects.filter(is_verified_client=True).count(),
        "stored": Review.objects.count(),
        "used_by_a_verified_author": Review.objects.filter(
            author=invitation.used_by_id, is_verified_client=True
        ).count(),
    }


@RACE
def test_one_invitation_used_by_six_clients_at_once_verifies_one(tmp_path):
    outcome = race(one_invitation_six_clients, tmp_path)

    assert outcome["statuses"] == ["302"] * 6
    assert outcome["stored"] == 6
    assert outcome["verified"] == 1
    assert outcome["used_by_a_verified_author"] == 1


@pytest.mark.django_db
def test_client_whose_invitation_was_spent_meanwhile_is_told(
    client, therapist, monkeypatch
):
    invitation = factories.make_invitation(therapist)
    client.force_login(factories.make_user())
    url = f"{write_url(therapist)}?invite={invitation.token}"

    # Another client's review spends it after the view read it as unused.
    def spent_first(**kwargs):
        ReviewInvitation.objects.filter(pk=invitation.pk).update(
            used_by=factories.make_user(), used_at=timezone.now()
        )
        return writing.submit_review(**kwargs)

    monkeypatch.setattr("reviews.views.submit_review", spent_first)
    response = client.post(url, factories.make_review_form_data(), follow=True)

    assert not Review.objects.get().is_verified_client
    assert "That invitation link was already used" in response.content.decode()


# --- reports, per account and per IP --------------------------------------------------


def report_data():
    return {"reason": ReviewReport.Reason.FAKE, "details": ""}


@pytest.fixture
def reviews(therapist):
    return [factories.make_review(therapist) for _ in range(writing.REPORTS.count + 1)]


@pytest.mark.django_db
def test_reports_from_one_account_are_limited(client, client_user, reviews):
    client.force_login(client_user)
    for number, review in enumerate(reviews[:-1]):
        response = client.post(
            reverse("reviews:report", args=[review.pk]),
            report_data(),
            REMOTE_ADDR=f"10.0.0.{number}",
        )
        assert response.status_code == 302

    response = client.post(
        reverse("reviews:report", args=[reviews[-1].pk]),
        report_data(),
        REMOTE_ADDR="10.0.1.1",
    )

    assert response.status_code == 200
    assert REPORT_LIMIT in response.content.decode()
    assert ReviewReport.objects.count() == writing.REPORTS.count
    assert not ReviewReport.objects.filter(review=reviews[-1]).exists()


@pytest.mark.django_db
def test_reports_from_one_ip_are_limited(client, reviews):
    for review in reviews[:-1]:
        client.force_login(factories.make_user())
        client.post(reverse("reviews:report", args=[review.pk]), report_data())

    client.force_login(factories.make_user())
    response = client.post(
        reverse("reviews:report", args=[reviews[-1].pk]), report_data()
    )

    assert response.status_code == 200
    assert REPORT_LIMIT in response.content.decode()
    assert not ReviewReport.objects.filter(review=reviews[-1]).exists()


# --- what runs inside the write's lock ---------------------------------------------
@RACE
def test_text_checks_read_before_the_write_takes_its_lock(client_user, therapist):
    """The therapist's other reviews, which the copy check reads, are read
    before the transaction: SQLite's one write lock is held only for the writes
    and the checks that must be exact (the author's counts, the invitation,
    whether they were a client)."""
    restore_taxonomies()  # an earlier transactional test emptied every table
    factories.make_review(therapist, body="An earlier review of this therapist.")
    seen = []

    def record(execute, sql, params, many, context):
        seen.append((connection.in_atomic_block, sql))
        return execute(sql, params, many, context)

    form = valid_form()
    with connection.execute_wrapper(record):
        writing.submit_review(therapist=therapist, author=client_user, form=form)

    inside = [sql for atomic, sql in seen if atomic]
    outside = [sql for atomic, sql in seen if not atomic]
    assert any('"reviews_review"."body"' in sql for sql in outside)
    assert not any('"reviews_review"."body"' in sql for sql in inside)
    assert any(sql.startswith('INSERT INTO "reviews_review"') for sql in inside)
    assert any('"created_at" >=' in sql for sql in inside)
    assert any('"reviews_reviewinvitation"' in sql for sql in inside)
    assert not [sql for sql in outside if sql.startswith(("INSERT", "UPDATE"))]
