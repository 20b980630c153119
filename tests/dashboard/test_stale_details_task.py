"""The daily stale-details job as a scheduled task (dashboard.tasks): it does
what `manage.py remind_stale_details` does, records it on its run, and a retry
after a half-done try reminds nobody twice."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core import schedule
from core.models import OutgoingMail, ScheduledRun
from dashboard import confirmation
from dashboard.tasks import remind_stale_details
from tests import factories
from therapists import ranking
from therapists.models import Therapist

pytestmark = pytest.mark.django_db

SUBJECT = "Are the details on your profile still right?"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def turned_stale():
    """Confirmed 91 days ago; its stored score still the one of a fresh day."""
    therapist = factories.make_therapist(details_confirmed_on=days_ago(91))
    factories.make_location(therapist, "10001")
    therapists = Therapist.objects.filter(pk=therapist.pk)
    therapists.update(qualification_score=ranking.score_of(therapist, days_ago(91)))
    therapists.copy_to_locations(only_score=True)
    therapist.refresh_from_db()
    return therapist


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start the job as the scheduler does; its mail goes once that commits."""

    def start():
        with django_capture_on_commit_callbacks(execute=True):
            run = schedule.start("remind_stale_details")
        run.refresh_from_db()
        return run

    return start


def test_the_scheduled_run_lowers_the_score_reminds_and_says_so(turned_stale, start):
    score = turned_stale.qualification_score

    run = start()

    assert run.status == ScheduledRun.Status.SUCCEEDED
    assert run.outcome == ("1 score(s) lowered for stale details, 1 reminder(s) sent.")
    turned_stale.refresh_from_db()
    assert turned_stale.qualification_score == score - ranking.FRESHNESS_POINTS
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([turned_stale.user.email], SUBJECT)
    ]


def test_running_twice_the_same_day_changes_and_sends_nothing_new(turned_stale, start):
    start()
    score = Therapist.objects.get(pk=turned_stale.pk).qualification_score

    second = start()

    assert second.outcome == (
        "0 score(s) lowered for stale details, 0 reminder(s) sent."
    )
    assert Therapist.objects.get(pk=turned_stale.pk).qualification_score == score
    assert len(mail.outbox) == 1


def test_a_retry_after_a_half_done_try_reminds_once(
    turned_stale, settings, monkeypatch
):
    """The first try rescores, then fails before the reminders; the retry
    reminds, and rescores nothing again."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    remind = confirmation.remind

    def down_once(**kwargs):
        monkeypatch.setattr(confirmation, "remind", remind)
        raise ConnectionError("mail table locked")

    monkeypatch.setattr(confirmation, "remind", down_once)
    run = schedule.start("remind_stale_details")

    remind_stale_details.call(run=run.pk)
    run.refresh_from_db()
    assert run.status == ScheduledRun.Status.RETRYING
    assert run.error == "ConnectionError: mail table locked"

    remind_stale_details.call(run=run.pk, attempt=2)
    remind_stale_details.call(run=run.pk, attempt=3)  # a duplicate try

    run.refresh_from_db()
    assert run.status == ScheduledRun.Status.SUCCEEDED
    assert run.outcome == ("0 score(s) lowered for stale details, 0 reminder(s) sent.")
    assert list(OutgoingMail.objects.values_list("to", "subject")) == [
        (turned_stale.user.email, SUBJECT)
    ]
