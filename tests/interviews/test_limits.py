"""Limits on interview requests and reports. The cap on open requests is
counted in the database under a lock on the client's row, so requests sent at
the same moment cannot pass it; requests and reports are also counted per
account and per IP in the shared cache. A refusal is explained and changes
nothing."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews import writing
from interviews.forms import InterviewRequestForm
from interviews.models import MAX_OPEN_REQUESTS, InterviewRequest
from tests import factories
from tests.interviews.helpers import page, request_data, snapshot
from tests.reviews.concurrency import RACE, at_once, race

LIMITED = "Too many attempts. Please try again in"


def request_url(therapist):
    return reverse("interviews:request", kwargs={"slug": therapist.slug})


def valid_form(therapist) -> InterviewRequestForm:
    form = InterviewRequestForm(request_data(), therapist=therapist)
    assert form.is_valid(), form.errors
    return form


# --- the cap on open requests, inside the lock -------------------------------------


@pytest.mark.django_db
def test_open_cap_is_checked_inside_the_write(client_user, therapist):
    """A form validated before other requests were saved (as by a request sent
    at the same moment) is still refused when it is written."""
    form = valid_form(therapist)
    for _ in range(MAX_OPEN_REQUESTS):
        factories.make_interview(client=client_user)

    with pytest.raises(ValidationError) as refused:
        writing.send_request(therapist=therapist, client=client_user, form=form)

    assert "you can have at most 5 open at a time" in refused.value.messages[0]
    assert InterviewRequest.objects.count() == MAX_OPEN_REQUESTS


@pytest.mark.django_db
def test_second_open_request_to_one_therapist_is_checked_inside_the_write(
    client_user, therapist
):
    form = valid_form(therapist)
    factories.make_interview(therapist=therapist, client=client_user)

    with pytest.raises(ValidationError):
        writing.send_request(therapist=therapist, client=client_user, form=form)

    assert InterviewRequest.objects.count() == 1


@pytest.mark.django_db
def test_open_requests_are_counted_after_the_clients_row_is_locked(
    client_user, therapist
):
    with CaptureQueriesContext(connection) as queries:
        writing.send_request(
            therapist=therapist, client=client_user, form=valid_form(therapist)
        )

    sql = [query["sql"] for query in queries.captured_queries]
    locks = [
        index
        for index, statement in enumerate(sql)
        if 'FROM "auth_user"' in statement and str(client_user.pk) in statement
    ]
    count = next(
        index
        for index, statement in enumerate(sql)
        if 'FROM "interviews_interviewrequest"' in statement
    )
    if connection.vendor == "postgresql":
        assert locks and locks[0] < count
        assert "FOR UPDATE" in sql[locks[0]]
    else:
        # SQLite's IMMEDIATE transaction already holds the one write lock.
        assert locks == []


def sixteen_requests_at_once() -> dict:
    """One client sends interview requests to 16 therapists at the same moment."""
    client_user = factories.make_user()
    therapists = [factories.make_therapist() for _ in range(16)]
    clients = []
    for _ in therapists:
        client = Client()
        client.force_login(client_user)
        clients.append(client)

    def post(client, therapist):
        return client.post(request_url(therapist), request_data()).status_code

    results = at_once(
        [
            lambda c=client, t=therapist: post(c, t)
            for client, therapist in zip(clients, therapists, strict=True)
        ]
    )
    return {
        "statuses": [str(result) for result in results],
        "open": InterviewRequest.objects.filter(client=client_user).open().count(),
    }


@RACE
def test_sixteen_simultaneous_requests_leave_five_open(tmp_path):
    outcome = race(sixteen_requests_at_once, tmp_path)

    assert outcome["open"] == MAX_OPEN_REQUESTS
    assert sorted(outcome["statuses"]) == ["200"] * 11 + ["302"] * 5


# --- requests per account and per IP ------------------------------------------------


@pytest.mark.django_db
def test_requests_from_one_account_are_limited(client, client_user):
    client.force_login(client_user)
    for number in range(writing.REQUESTS.count):
        response = client.post(
            request_url(factories.make_therapist()),
            request_data(),
            REMOTE_ADDR=f"10.0.0.{number}",
        )
        assert response.status_code == 302
        # Answered at once, so the cap on open requests is not what refuses.
        InterviewRequest.objects.update(status=InterviewRequest.Status.DECLINED)
    mail.outbox.clear()
    therapist = factories.make_therapist()

    response = client.post(
        request_url(therapist), request_data(), REMOTE_ADDR="10.9.9.9"
    )

    assert response.status_code == 200
    assert LIMITED in page(response)
    assert not InterviewRequest.objects.filter(therapist=therapist).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_requests_from_one_ip_are_limited(client):
    for _ in range(writing.REQUESTS.count):
        client.force_login(factories.make_user())
        client.post(request_url(factories.make_therapist()), request_data())
    client.force_login(factories.make_user())
    therapist = factories.make_therapist()

    response = client.post(request_url(therapist), request_data())

    assert response.status_code == 200
    assert LIMITED in page(response)
    assert not InterviewRequest.objects.filter(therapist=therapist).exists()


# --- reports per account and per IP -------------------------------------------------


def report(client, interview, **extra):
    return client.post(
        reverse("interviews:report", args=[interview.pk]),
        {"reason": "Kept pushing a package deal"},
        follow=True,
        **extra,
    )


@pytest.mark.django_db
def test_reports_from_one_account_are_limited(client, client_user):
    client.force_login(client_user)
    for number in range(writing.REPORTS.count):
        report(
            client,
            factories.make_interview(client=client_user),
            REMOTE_ADDR=f"10.0.0.{number}",
        )
    last = factories.make_interview(client=client_user)
    before = snapshot(last)

    response = report(client, last, REMOTE_ADDR="10.9.9.9")

    assert LIMITED in page(response)
    assert snapshot(last) == before


@pytest.mark.django_db
def test_reports_from_one_ip_are_limited(client):
    for _ in range(writing.REPORTS.count):
        interview = factories.make_interview()
        client.force_login(interview.client)
        report(client, interview)
    last = factories.make_interview()
    client.force_login(last.client)
    before = snapshot(last)

    response = report(client, last)

    assert LIMITED in page(response)
    assert snapshot(last) == before
