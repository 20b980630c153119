"""Confirming one's details in one click, the dashboard asking for it, and the
daily job that lowers stale scores and reminds therapists (dashboard.confirmation,
`manage.py remind_stale_details`)."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dashboard import confirmation
from tests import factories
from therapists import freshness, ranking
from therapists.models import PracticeLocation, Therapist

pytestmark = pytest.mark.django_db

CONFIRM_URL = reverse("dashboard:confirm-details")
HOME_URL = reverse("dashboard:home")


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def stale_owner(therapist):
    """The owner, with a location, whose details were confirmed 200 days ago."""
    therapist.details_confirmed_on = days_ago(200)
    therapist.save()
    factories.make_location(therapist, "10001")
    return therapist


def location_score(therapist) -> float:
    return PracticeLocation.objects.get(therapist=therapist).qualification_score


def run_job(capture, today=None) -> str:
    out = io.StringIO()
    args = [] if today is None else ["--today", today.isoformat()]
    with capture(execute=True):
        call_command("remind_stale_details", *args, stdout=out)
    return out.getvalue()


# --- one click -------------------------------------------------------------------


def test_owner_confirms_everything_in_one_click(client, stale_owner):
    before = stale_owner.qualification_score
    client.force_login(stale_owner.user)

    response = client.post(CONFIRM_URL, follow=True)

    assert response.redirect_chain == [(HOME_URL, 302)]
    today = freshness.short_date(timezone.localdate())
    assert (
        f"Thank you: your profile shows your details as confirmed on {today}."
        in response.content.decode()
    )
    stale_owner.refresh_from_db()
    assert stale_owner.details_confirmed_on == timezone.localdate()
    assert stale_owner.qualification_score == before + ranking.FRESHNESS_POINTS
    assert location_score(stale_owner) == pytest.approx(stale_owner.qualification_score)


def test_confirming_is_a_post_never_a_get(client, stale_owner):
    client.force_login(stale_owner.user)

    assert client.get(CONFIRM_URL).status_code == 405
    # The link in the reminder lands on the dashboard, which changes nothing.
    assert client.get(HOME_URL).status_code == 200

    stale_owner.refresh_from_db()
    assert stale_owner.details_confirmed_on == days_ago(200)


def test_anonymous_visitor_is_sent_to_log_in_and_nothing_is_confirmed(
    client, stale_owner
):
    response = client.post(CONFIRM_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={CONFIRM_URL}"
    stale_owner.refresh_from_db()
    assert stale_owner.details_confirmed_on == days_ago(200)


@pytest.mark.parametrize("who", ["client", "staff"])
def test_accounts_without_a_profile_are_refused(client, stale_owner, who):
    user = (
        factories.make_user()
        if who == "client"
        else factories.make_user(is_staff=True, is_superuser=True)
    )
    client.force_login(user)

    assert client.post(CONFIRM_URL).status_code == 403

    stale_owner.refresh_from_db()
    assert stale_owner.details_confirmed_on == days_ago(200)


def test_another_therapist_confirms_only_their_own_details(
    client, stale_owner, other_therapist
):
    client.force_login(other_therapist.user)

    client.post(CONFIRM_URL)

    stale_owner.refresh_from_db()
    other_therapist.refresh_from_db()
    assert stale_owner.details_confirmed_on == days_ago(200)
    assert other_therapist.details_confirmed_on == timezone.localdate()


# --- the dashboard asks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "asks"),
    [(None, True), (0, False), (60, False), (61, True), (91, True), (300, True)],
)
def test_the_dashboard_asks_from_30_days_before_details_go_stale(age, asks):
    therapist = Therapist(details_confirmed_on=None if age is None else days_ago(age))

    assert confirmation.needs_confirmation(therapist) is asks


def test_the_dashboard_shows_what_is_confirmed_and_the_button(client, stale_owner):
    factories.add_language(stale_owner, "es")
    client.force_login(stale_owner.user)

    page = client.get(HOME_URL).content.decode()

    day = freshness.short_date(days_ago(200))
    assert f"Clients now see “Not confirmed since {day}” on your profile" in page
    assert '<section class="card dashboard__wide confirm-details"' in page
    assert f'<form method="post" action="{CONFIRM_URL}">' in page
    assert "Everything is still right" in page
    assert "<dt>Prices</dt><dd>$120 · 60 min</dd>" in page
    assert "<dd>Spanish</dd>" in page
    assert "New York, NY" in page


def test_a_fresh_confirmation_says_when_it_will_go_stale(client, therapist):
    therapist.details_confirmed_on = days_ago(70)
    therapist.save()
    client.force_login(therapist.user)

    page = client.get(HOME_URL).content.decode()

    stale_from = freshness.short_date(in_days(21))
    assert f"From {stale_from} clients will see them as not confirmed." in page


# --- the daily job -------------------------------------------------------------------


def scored_as_yesterday(age: int) -> Therapist:
    """A therapist confirmed `age` days ago whose stored score (and its copy)
    is still the one of the day it was last written, while fresh."""
    therapist = factories.make_therapist(details_confirmed_on=days_ago(age))
    factories.make_location(therapist, "10001")
    therapists = Therapist.objects.filter(pk=therapist.pk)
    therapists.update(qualification_score=ranking.score_of(therapist, days_ago(age)))
    therapists.copy_to_locations(only_score=True)
    therapist.refresh_from_db()
    return therapist


def test_the_job_lowers_only_the_scores_that_just_went_stale(
    django_capture_on_commit_callbacks,
):
    crossing = scored_as_yesterday(91)
    fresh = scored_as_yesterday(90)
    long_stale = factories.make_therapist(details_confirmed_on=days_ago(200))
    # A stored score no write would leave: the job must not touch it, since it
    # reranks only those whose confirmation just stopped counting.
    Therapist.objects.filter(pk=long_stale.pk).update(qualification_score=1)
    before = {t.pk: t.qualification_score for t in (crossing, fresh)}

    output = run_job(django_capture_on_commit_callbacks)

    assert output.startswith("1 score(s) lowered for stale details")
    crossing.refresh_from_db()
    assert crossing.qualification_score == before[crossing.pk] - 5
    assert location_score(crossing) == pytest.approx(crossing.qualification_score)
    fresh.refresh_from_db()
    assert fresh.qualification_score == before[fresh.pk]
    assert Therapist.objects.get(pk=long_stale.pk).qualification_score == 1


def test_the_job_catches_up_on_days_it_missed(django_capture_on_commit_callbacks):
    missed = scored_as_yesterday(95)
    score = missed.qualification_score

    run_job(django_capture_on_commit_callbacks)

    missed.refresh_from_db()
    assert missed.qualification_score == score - ranking.FRESHNESS_POINTS


def test_the_job_finds_who_went_stale_through_the_index(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for age in (91, 92, 93):
        scored_as_yesterday(age)
    # However many: the range over details_confirmed_on, one UPDATE of the
    # scores and one of their copies; the reminders' select, its two
    # prefetches and one UPDATE; a savepoint and its release around each.
    # Then 4 per mail: its queued row, and the task (run at once in tests)
    # claiming, reading and marking it sent (core.notifications).
    with django_assert_max_num_queries(11 + 3 * 4):
        run_job(django_capture_on_commit_callbacks)
    if connection.vendor == "postgresql":
        # Three rows are cheaper to scan: ask whether the index serves at all.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = str(
        Therapist.objects.details_turned_stale(timezone.localdate(), days_back=7)
        .only("pk")
        .explain()
    )
    assert "therapist_details_fresh_idx" in plan


def test_the_job_reminds_stale_published_therapists_with_a_link_to_the_dashboard(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_ADDRESS = "https://backcare.example"
    stale = factories.make_therapist(
        details_confirmed_on=days_ago(120), user=factories.make_user(first_name="Ana")
    )
    factories.make_location(stale, "10001")
    never = factories.make_therapist(details_confirmed_on=None)
    factories.make_therapist(details_confirmed_on=days_ago(10))  # fresh
    factories.make_therapist(details_confirmed_on=days_ago(120), is_published=False)

    output = run_job(django_capture_on_commit_callbacks)

    assert output.endswith("2 reminder(s) sent.\n")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [stale.user.email, never.user.email]
    )
    (message,) = [m for m in mail.outbox if m.to == [stale.user.email]]
    assert message.subject == "Are the details on your profile still right?"
    day = freshness.short_date(days_ago(120))
    assert message.body.startswith("Hello Ana,")
    assert f'your profile now says "Not confirmed since {day}"' in message.body
    assert "- Prices: $120 · 60 min" in message.body
    assert "- Where you practise: New York, NY" in message.body
    assert "https://backcare.example/dashboard/#confirm-details" in message.body
    stale.refresh_from_db()
    assert stale.details_reminder_sent_on == timezone.localdate()


def test_a_therapist_gets_at_most_one_reminder_in_30_days(
    django_capture_on_commit_callbacks,
):
    therapist = factories.make_therapist(details_confirmed_on=days_ago(120))

    run_job(django_capture_on_commit_callbacks)
    run_job(django_capture_on_commit_callbacks)
    run_job(django_capture_on_commit_callbacks, today=in_days(29))
    assert [m.to for m in mail.outbox] == [[therapist.user.email]]

    run_job(django_capture_on_commit_callbacks, today=in_days(30))
    assert len(mail.outbox) == 2


def test_confirming_stops_the_reminders(client, django_capture_on_commit_callbacks):
    therapist = factories.make_therapist(details_confirmed_on=days_ago(120))
    client.force_login(therapist.user)
    client.post(CONFIRM_URL)

    run_job(django_capture_on_commit_callbacks, today=in_days(40))

    assert mail.outbox == []
