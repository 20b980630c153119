"""Sessions a client and a therapist both record, and who counts as a verified
client: the therapist's invitation, or a session both recorded; an accepted
request to ask before booking alone no longer does."""

import datetime
import html
import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.ratelimit import Limit
from reviews import sessions
from reviews.models import Review, SessionRecord
from tests import factories
from tests.accounts.helpers import field_error, link_in
from therapists.models import Therapist

pytestmark = pytest.mark.django_db

THERAPIST_PAGE = "/dashboard/sessions/"


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def text_of(response) -> str:
    body = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(body.split())


def client_page(therapist) -> str:
    return reverse("reviews:client-sessions", kwargs={"slug": therapist.slug})


def as_user(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def write_review(user, therapist, **fields) -> Review:
    response = as_user(user).post(
        reverse("reviews:write", kwargs={"slug": therapist.slug}),
        factories.make_review_form_data(**fields),
    )
    assert response.status_code == 302, "the review form refused the review"
    return Review.objects.get(therapist=therapist, author=user, is_current=True)


def stored(therapist) -> Therapist:
    return Therapist.objects.get(pk=therapist.pk)


@pytest.fixture
def accepted(therapist, client_user):
    """The client's request to ask before booking, accepted by the therapist."""
    return factories.make_interview(
        therapist=therapist,
        client=client_user,
        status="accepted",
        answered_at=timezone.now(),
    )


def client_records(client_user, therapist, day=3):
    return as_user(client_user).post(
        client_page(therapist), {"session_date": days_ago(day)}
    )


def therapist_records(therapist, client_user, day=3):
    return as_user(therapist.user).post(
        THERAPIST_PAGE, {"client": client_user.pk, "session_date": days_ago(day)}
    )


# --- who is a verified client ---------------------------------------------------


def test_an_accepted_request_alone_does_not_make_a_verified_client(
    therapist, client_user, accepted
):
    review = write_review(client_user, therapist)

    assert review.is_verified_client is False
    assert stored(therapist).verified_review_count == 0


def test_a_session_the_therapist_confirms_verifies_the_current_review(
    therapist, client_user, accepted
):
    write_review(client_user, therapist, rating=4)
    client_records(client_user, therapist)
    assert not Review.objects.get(author=client_user).is_verified_client

    record = SessionRecord.objects.get()
    response = as_user(therapist.user).post(
        reverse("reviews:session-confirm", args=[record.pk]), follow=True
    )

    assert "Confirmed: you and Pat Doe both recorded the session" in text_of(response)
    assert Review.objects.get(author=client_user).is_verified_client
    therapist = stored(therapist)
    assert (therapist.verified_review_count, therapist.verified_rating_sum) == (1, 4)
    assert therapist.verified_rating_average == 4.0


def test_a_session_the_therapist_records_first_verifies_once_the_client_confirms(
    therapist, client_user, accepted
):
    write_review(client_user, therapist)
    therapist_records(therapist, client_user)
    record = SessionRecord.objects.get()
    assert record.recorded_by_client_at is None
    assert not Review.objects.get(author=client_user).is_verified_client

    as_user(client_user).post(reverse("reviews:session-confirm", args=[record.pk]))

    assert SessionRecord.objects.get().is_confirmed
    assert Review.objects.get(author=client_user).is_verified_client
    assert stored(therapist).verified_review_count == 1


def test_recording_the_date_the_other_side_recorded_confirms_it(
    therapist, client_user, accepted
):
    therapist_records(therapist, client_user, day=5)

    response = client_records(client_user, therapist, day=5)

    assert response.status_code == 302
    record = SessionRecord.objects.get()
    assert record.is_confirmed


def test_a_review_written_after_a_confirmed_session_is_verified(
    therapist, client_user, accepted
):
    factories.make_session_record(therapist, client_user)

    assert write_review(client_user, therapist).is_verified_client


def test_a_session_nobody_confirmed_verifies_nothing(therapist, client_user, accepted):
    factories.make_session_record(therapist, client_user, confirmed=False)

    assert not write_review(client_user, therapist).is_verified_client


def test_a_session_with_another_therapist_verifies_nothing(
    therapist, other_therapist, client_user
):
    factories.make_session_record(other_therapist, client_user)

    assert not write_review(client_user, therapist).is_verified_client


def test_a_confirmed_session_keeps_a_rewritten_review_verified(
    therapist, client_user, accepted
):
    factories.make_session_record(therapist, client_user)
    write_review(client_user, therapist, rating=5)

    rewritten = write_review(client_user, therapist, rating=2, would_recommend=None)

    assert rewritten.is_verified_client
    therapist = stored(therapist)
    assert (therapist.verified_review_count, therapist.verified_rating_sum) == (1, 2)


def test_confirming_leaves_other_clients_reviews_alone(
    therapist, client_user, accepted
):
    other = write_review(factories.make_user(), therapist)
    write_review(client_user, therapist)
    therapist_records(therapist, client_user)

    as_user(client_user).post(
        reverse("reviews:session-confirm", args=[SessionRecord.objects.get().pk])
    )

    other.refresh_from_db()
    assert not other.is_verified_client
    assert stored(therapist).verified_review_count == 1


def test_the_review_form_says_whether_the_review_will_be_verified(
    therapist, client_user, accepted
):
    url = reverse("reviews:write", kwargs={"slug": therapist.slug})
    before = text_of(as_user(client_user).get(url))
    factories.make_session_record(therapist, client_user)
    after = text_of(as_user(client_user).get(url))

    assert "Had a session with Dana Owner? Record it" in before
    assert "will be marked as from a verified client" not in before
    assert "You are a verified client of Dana Owner" in after


# --- recording: what is refused, with a message by the field ----------------------


@pytest.mark.parametrize(
    ("date", "message"),
    [
        (days_ago(-1), "A session can be recorded once it has taken place"),
        (days_ago(366), "Sessions can be recorded up to a year after"),
        ("", "Enter the date of the session."),
        ("last tuesday", "Enter the date as year-month-day"),
        ("2026-02-30", "Enter the date as year-month-day"),
    ],
)
def test_a_bad_date_is_refused_next_to_the_field(
    therapist, client_user, accepted, date, message
):
    response = as_user(client_user).post(client_page(therapist), {"session_date": date})

    assert response.status_code == 200
    assert message in field_error(response, "session_date")
    assert not SessionRecord.objects.exists()
    assert mail.outbox == []


def test_a_year_ago_today_is_still_accepted(therapist, client_user, accepted):
    assert client_records(client_user, therapist, day=365).status_code == 302
    assert SessionRecord.objects.count() == 1


def test_the_same_date_twice_is_refused(therapist, client_user, accepted):
    client_records(client_user, therapist, day=4)

    response = client_records(client_user, therapist, day=4)

    assert "You already recorded a session on this date." in field_error(
        response, "session_date"
    )
    assert SessionRecord.objects.count() == 1


def test_only_a_few_records_may_wait_for_the_other_side(
    therapist, client_user, accepted
):
    for day in range(1, sessions.MAX_UNCONFIRMED + 1):
        assert client_records(client_user, therapist, day=day).status_code == 302

    response = client_records(client_user, therapist, day=20)

    assert "are still waiting to be confirmed" in text_of(response)
    assert SessionRecord.objects.count() == sessions.MAX_UNCONFIRMED


@pytest.mark.parametrize("status", ["open", "declined"])
def test_without_an_accepted_request_nothing_can_be_recorded(
    therapist, client_user, status
):
    factories.make_interview(therapist=therapist, client=client_user, status=status)

    page = as_user(client_user).get(client_page(therapist))
    response = client_records(client_user, therapist)

    assert "once Dana Owner has accepted your request" in text_of(page)
    assert 'name="session_date"' not in page.content.decode()
    assert response.status_code == 403
    assert not SessionRecord.objects.exists()


def test_a_therapist_records_only_for_clients_they_accepted(
    therapist, client_user, accepted
):
    stranger = factories.make_user(first_name="Sam", last_name="Stranger")

    page = as_user(therapist.user).get(THERAPIST_PAGE)
    response = therapist_records(therapist, stranger)

    assert "Pat Doe" in text_of(page)
    assert "Sam Stranger" not in text_of(page)
    assert "Choose a client from the list." in field_error(response, "client")
    assert not SessionRecord.objects.exists()


def test_a_therapist_without_accepted_clients_is_told_how_to_get_some(therapist):
    page = text_of(as_user(therapist.user).get(THERAPIST_PAGE))

    assert "Once you accept a client's request to ask before booking" in page


def test_recording_is_rate_limited(therapist, client_user, accepted, monkeypatch):
    monkeypatch.setattr(
        sessions, "RECORDS", Limit("session_record_test", count=1, seconds=3600)
    )
    client_records(client_user, therapist, day=1)

    response = client_records(client_user, therapist, day=2)

    assert "Too many attempts" in text_of(response)
    assert SessionRecord.objects.count() == 1


def test_confirming_is_rate_limited(therapist, client_user, accepted, monkeypatch):
    monkeypatch.setattr(
        sessions, "ANSWERS", Limit("session_answer_test", count=0, seconds=3600)
    )
    client_records(client_user, therapist)
    record = SessionRecord.objects.get()

    response = as_user(therapist.user).post(
        reverse("reviews:session-confirm", args=[record.pk]), follow=True
    )

    assert "Nothing changed. Too many attempts" in text_of(response)
    assert not SessionRecord.objects.get().is_confirmed


# --- mail ------------------------------------------------------------------------


def test_the_therapist_is_asked_to_confirm_a_clients_record(
    therapist, client_user, accepted
):
    client_records(client_user, therapist, day=2)

    (email,) = mail.outbox
    assert email.to == [therapist.user.email]
    assert email.subject == "Pat Doe recorded a session with you: please confirm it"
    assert "their review of you shows “Verified client”" in email.body
    assert link_in(email) == THERAPIST_PAGE


def test_the_client_is_asked_to_confirm_a_therapists_record_then_told_it_stands(
    therapist, client_user, accepted
):
    therapist_records(therapist, client_user)

    (asked,) = mail.outbox
    assert asked.to == [client_user.email]
    assert "your review of Dana Owner shows “Verified client”" in asked.body
    assert link_in(asked) == client_page(therapist)


def test_the_client_is_told_when_the_therapist_confirms(
    therapist, client_user, accepted
):
    client_records(client_user, therapist)
    mail.outbox.clear()

    as_user(therapist.user).post(
        reverse("reviews:session-confirm", args=[SessionRecord.objects.get().pk])
    )

    (email,) = mail.outbox
    assert email.to == [client_user.email]
    assert email.subject == "Dana Owner confirmed your session"
    assert link_in(email) == client_page(therapist)


# --- removing ----------------------------------------------------------------------


def test_either_side_removes_a_record_nobody_confirmed(
    therapist, client_user, accepted
):
    client_records(client_user, therapist, day=1)
    client_records(client_user, therapist, day=2)
    first, second = SessionRecord.objects.order_by("session_date")

    as_user(client_user).post(reverse("reviews:session-remove", args=[first.pk]))
    as_user(therapist.user).post(reverse("reviews:session-remove", args=[second.pk]))

    assert not SessionRecord.objects.exists()


def test_a_confirmed_record_cannot_be_removed_by_either_side(
    therapist, client_user, accepted
):
    record = factories.make_session_record(therapist, client_user)

    for user in (client_user, therapist.user):
        response = as_user(user).post(
            reverse("reviews:session-remove", args=[record.pk]), follow=True
        )
        assert "cannot be removed here" in text_of(response)
    assert SessionRecord.objects.filter(pk=record.pk).exists()


# --- who may do what ----------------------------------------------------------------


@pytest.fixture
def people(therapist, client_user, other_therapist, staff_user):
    return {
        "client": client_user,
        "another client": factories.make_user(),
        "another therapist": other_therapist.user,
        "owner": therapist.user,
        "staff": staff_user,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("client", 302),
        ("another client", 404),
        ("another therapist", 404),
        ("owner", 302),
        ("staff", 404),
    ],
)
def test_who_may_confirm_a_clients_record(
    therapist, client_user, accepted, people, who, status
):
    record = factories.make_session_record(therapist, client_user, confirmed=False)
    browser = as_user(people[who]) if who in people else Client()

    response = browser.post(reverse("reviews:session-confirm", args=[record.pk]))

    assert response.status_code == status
    record.refresh_from_db()
    # Only the therapist confirms the client's own record.
    assert record.is_confirmed is (who == "owner")
    if who == "anonymous":
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "status", "removed"),
    [
        ("anonymous", 302, False),
        ("client", 302, True),
        ("another client", 404, False),
        ("another therapist", 404, False),
        ("owner", 302, True),
        ("staff", 404, False),
    ],
)
def test_who_may_remove_a_record(
    therapist, client_user, accepted, people, who, status, removed
):
    record = factories.make_session_record(therapist, client_user, confirmed=False)
    browser = as_user(people[who]) if who in people else Client()

    response = browser.post(reverse("reviews:session-remove", args=[record.pk]))

    assert response.status_code == status
    assert SessionRecord.objects.filter(pk=record.pk).exists() is not removed


def test_confirming_and_removing_take_only_a_post(therapist, client_user, accepted):
    record = factories.make_session_record(therapist, client_user, confirmed=False)
    for name in ("reviews:session-confirm", "reviews:session-remove"):
        response = as_user(therapist.user).get(reverse(name, args=[record.pk]))
        assert response.status_code == 405
    assert SessionRecord.objects.filter(pk=record.pk, recorded_by_therapist_at=None)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("client", 403),
        ("another client", 403),
        ("another therapist", 200),
        ("owner", 200),
        ("staff", 403),
    ],
)
def test_who_may_open_the_therapists_page(
    therapist, client_user, accepted, people, who, status
):
    factories.make_session_record(therapist, client_user, confirmed=False)
    browser = as_user(people[who]) if who in people else Client()

    response = browser.get(THERAPIST_PAGE)

    assert response.status_code == status
    if status == 200:
        # Each therapist sees only their own clients' sessions.
        assert ("Pat Doe recorded a session" in text_of(response)) is (who == "owner")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("client", 200),
        ("another client", 200),
        ("another therapist", 200),
        ("owner", 302),
        ("staff", 200),
    ],
)
def test_who_may_open_the_clients_page(
    therapist, client_user, accepted, people, who, status
):
    factories.make_session_record(therapist, client_user, confirmed=False)
    browser = as_user(people[who]) if who in people else Client()

    response = browser.get(client_page(therapist))

    assert response.status_code == status
    if who == "owner":
        assert response.url == THERAPIST_PAGE
    if status == 200:
        # Only the client sees their session and the form to record one.
        assert ("Waiting for Dana Owner to confirm" in text_of(response)) is (
            who == "client"
        )
        assert ('name="session_date"' in response.content.decode()) is (who == "client")


@pytest.mark.parametrize("who", ["another client", "another therapist", "staff"])
def test_nobody_else_records_a_session_for_the_client(
    therapist, client_user, accepted, people, who
):
    response = as_user(people[who]).post(
        client_page(therapist), {"session_date": days_ago(2)}
    )

    assert response.status_code == 403
    assert not SessionRecord.objects.exists()


def test_an_unpublished_therapist_stays_hidden_from_strangers(client_user):
    draft = factories.make_therapist(is_published=False)

    assert as_user(client_user).get(client_page(draft)).status_code == 404


def test_a_client_keeps_access_to_an_unpublished_therapist_they_saw(client_user):
    draft = factories.make_therapist(is_published=False)
    factories.make_session_record(draft, client_user, confirmed=False)

    assert as_user(client_user).get(client_page(draft)).status_code == 200


# --- staff, export, query counts --------------------------------------------------


def test_staff_deleting_a_false_record_unmarks_the_review_and_recounts(
    therapist, client_user, accepted
):
    record = factories.make_session_record(therapist, client_user)
    write_review(client_user, therapist)
    staff = factories.make_staff_user(
        permissions=["reviews.delete_sessionrecord", "reviews.view_sessionrecord"]
    )

    response = as_user(staff).post(
        reverse("admin:reviews_sessionrecord_delete", args=[record.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert not SessionRecord.objects.exists()
    assert not Review.objects.get(author=client_user).is_verified_client
    assert stored(therapist).verified_review_count == 0


def test_an_invitation_keeps_the_review_verified_when_a_record_goes(
    therapist, client_user, accepted
):
    factories.make_invitation(therapist, used_by=client_user, used_at=timezone.now())
    record = factories.make_session_record(therapist, client_user)
    write_review(client_user, therapist)

    sessions.forget_sessions(SessionRecord.objects.filter(pk=record.pk))

    assert Review.objects.get(author=client_user).is_verified_client
    assert stored(therapist).verified_review_count == 1


def test_staff_cannot_delete_their_own_session_record(therapist):
    staff = factories.make_staff_user(
        permissions=["reviews.delete_sessionrecord", "reviews.view_sessionrecord"]
    )
    record = factories.make_session_record(therapist, staff)

    response = as_user(staff).post(
        reverse("admin:reviews_sessionrecord_delete", args=[record.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 403
    assert SessionRecord.objects.filter(pk=record.pk).exists()


def test_a_clients_data_export_holds_their_sessions(therapist, client_user):
    factories.make_session_record(therapist, client_user, confirmed=False)

    data = as_user(client_user).get(reverse("accounts:export")).json()

    (session,) = data["sessions_recorded"]
    assert session["therapist"] == "Dana Owner"
    assert session["recorded_by_therapist_at"] is None


def test_the_therapists_page_costs_the_same_queries_for_more_sessions(
    therapist, django_assert_num_queries, django_assert_max_num_queries
):
    browser = as_user(therapist.user)

    def add_sessions():
        for _ in range(3):
            person = factories.make_user()
            factories.make_interview(
                therapist=therapist, client=person, status="accepted"
            )
            factories.make_session_record(therapist, person, confirmed=False)
            factories.make_session_record(
                therapist, person, session_date=timezone.localdate()
            )
            factories.make_session_record(
                therapist,
                person,
                recorded_by_client_at=None,
                session_date=timezone.localdate() - datetime.timedelta(days=1),
            )

    add_sessions()
    # session, user, therapist, any clients, their choices, three lists
    with django_assert_max_num_queries(9) as few:
        browser.get(THERAPIST_PAGE)
    add_sessions()
    with django_assert_num_queries(len(few.captured_queries)):
        response = browser.get(THERAPIST_PAGE)
    assert text_of(response).count("recorded a session with you") == 6


def test_the_clients_page_costs_the_same_queries_for_more_sessions(
    therapist, client_user, accepted, django_assert_max_num_queries
):
    browser = as_user(client_user)
    factories.make_session_record(therapist, client_user, confirmed=False)
    # session, user, therapist, the request, the records, the review
    with django_assert_max_num_queries(7) as few:
        browser.get(client_page(therapist))
    for day in range(10, 16):
        factories.make_session_record(
            therapist,
            client_user,
            session_date=timezone.localdate() - datetime.timedelta(days=day),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        browser.get(client_page(therapist))


# --- the data migration --------------------------------------------------------


def test_the_migration_keeps_only_marks_an_invitation_backs(therapist):
    migration = importlib.import_module(
        "reviews.migrations.0004_verified_clients_by_invitation_or_session"
    )
    invited, accepted_only = factories.make_user(), factories.make_user()
    factories.make_invitation(therapist, used_by=invited, used_at=timezone.now())
    factories.make_interview(
        therapist=therapist, client=accepted_only, status="accepted"
    )
    factories.make_review(therapist, author=invited, rating=4, is_verified_client=True)
    factories.make_review(
        therapist, author=accepted_only, rating=2, is_verified_client=True
    )

    migration.rederive(django_apps, None)

    assert Review.objects.get(author=invited).is_verified_client
    assert not Review.objects.get(author=accepted_only).is_verified_client
    therapist = stored(therapist)
    assert (therapist.verified_review_count, therapist.verified_rating_sum) == (1, 4)
    assert therapist.verified_rating_average == 4.0
