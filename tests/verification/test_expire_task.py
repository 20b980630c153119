"""The daily expiry run as a scheduled task (verification.tasks): it does what
`manage.py expire_credentials` does, records it on its run, and a retry after a
half-done try sends nothing twice."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core import schedule
from core.models import OutgoingMail, ScheduledRun
from tests import factories
from verification import decisions
from verification.models import Credential
from verification.tasks import expire_credentials

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start the job as staff or the scheduler do: it is queued in their
    transaction and, with a backend that runs it at once (as here), its mail
    goes when that commits."""

    def start(now=None):
        with django_capture_on_commit_callbacks(execute=True):
            if now is None:
                return schedule.start("expire_credentials")
            return schedule.enqueue_due(now)

    return start


@pytest.fixture
def owner(therapist):
    therapist.user.email = "dana@example.org"
    therapist.user.save()
    return therapist


def test_the_scheduled_run_expires_reminds_and_says_so(owner, start):
    lapsed = factories.make_credential(owner, number="MT-700001", expires_on=days(-1))
    factories.make_credential(owner, number="MT-700002", expires_on=days(20))

    run = start()

    run.refresh_from_db()
    assert run.status == ScheduledRun.Status.SUCCEEDED
    assert run.outcome == "1 credential(s) expired, 1 reminder(s) sent."
    lapsed.refresh_from_db()
    assert lapsed.status == Credential.Status.EXPIRED
    assert sorted(m.subject for m in mail.outbox) == [
        "Your state licence expires soon",
        "Your state licence has expired",
    ]


def test_the_scheduler_queues_it_at_a_quarter_past_six(owner, start):
    factories.make_credential(owner, number="MT-700003", expires_on=days(-1))
    morning = datetime.datetime.combine(
        timezone.localdate(),
        datetime.time(6, 16),
        tzinfo=timezone.get_default_timezone(),
    )

    start(morning)

    run = ScheduledRun.objects.get(job="expire_credentials")
    assert run.slot == morning - datetime.timedelta(minutes=1)
    assert run.status == ScheduledRun.Status.SUCCEEDED
    # The other jobs due by then ran too (the owner's details are unconfirmed).
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count("Your state licence has expired") == 1


def test_running_twice_the_same_day_sends_nothing_new(owner, start):
    factories.make_credential(owner, number="MT-700004", expires_on=days(-1))
    factories.make_credential(owner, number="MT-700005", expires_on=days(20))
    start()

    second = start()

    second.refresh_from_db()
    assert second.outcome == "0 credential(s) expired, 0 reminder(s) sent."
    assert len(mail.outbox) == 2


def test_a_retry_after_a_half_done_try_mails_each_holder_once(
    owner, settings, monkeypatch
):
    """The first try expires and mails, then fails before the reminders; the
    retry reminds without expiring or mailing anything again."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.make_credential(owner, number="MT-700006", expires_on=days(-1))
    factories.make_credential(owner, number="MT-700007", expires_on=days(20))
    remind = decisions.remind

    def down_once(**kwargs):
        monkeypatch.setattr(decisions, "remind", remind)
        raise ConnectionError("database went away")

    monkeypatch.setattr(decisions, "remind", down_once)
    run = schedule.start("expire_credentials")

    expire_credentials.call(run=run.pk)
    run.refresh_from_db()
    assert run.status == ScheduledRun.Status.RETRYING
    assert run.error == "ConnectionError: database went away"

    expire_credentials.call(run=run.pk, attempt=2)

    run.refresh_from_db()
    assert run.status == ScheduledRun.Status.SUCCEEDED
    assert run.outcome == "0 credential(s) expired, 1 reminder(s) sent."
    assert sorted(OutgoingMail.objects.values_list("subject", flat=True)) == [
        "Your state licence expires soon",
        "Your state licence has expired",
    ]
