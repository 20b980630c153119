"""Rescoring everyone in the background (therapists.tasks): the button on the
therapists' admin list, who may press it, and `manage.py rerank --in-background`."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from core.models import ScheduledRun
from tests import factories
from tests.therapists.test_rerank import assert_scores_are_fresh, stale_scores
from therapists.models import Therapist
from therapists.tasks import rerank

pytestmark = pytest.mark.django_db

RERANK_URL = reverse("admin:therapists_therapist_rerank")
LIST_URL = reverse("admin:therapists_therapist_changelist")
CHANGE = "therapists.change_therapist"
VIEW = "therapists.view_therapist"


@pytest.fixture
def log_in_as(client, client_user, therapist):
    def log_in_as(role):
        users = {
            "client": client_user,
            "therapist": therapist.user,
            "staff who may only look": factories.make_staff_user(
                username="looker", permissions=[VIEW]
            ),
            "staff": factories.make_staff_user(
                username="editor", permissions=[VIEW, CHANGE]
            ),
        }
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return log_in_as


@pytest.mark.parametrize("role", ["anonymous", "client", "therapist"])
def test_who_is_not_staff_is_sent_to_log_in_and_nothing_is_queued(log_in_as, role):
    stale_scores()

    response = log_in_as(role).post(RERANK_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not ScheduledRun.objects.exists()
    assert set(Therapist.objects.values_list("qualification_score", flat=True)) == {1.5}


def test_staff_who_may_not_change_therapists_are_refused(log_in_as):
    stale_scores()
    client = log_in_as("staff who may only look")

    response = client.post(RERANK_URL)
    listing = client.get(LIST_URL)

    assert response.status_code == 403
    assert not ScheduledRun.objects.exists()
    assert "Rescore everyone" not in listing.text


def test_staff_press_the_button_and_everyone_is_rescored(log_in_as):
    stale_scores()
    client = log_in_as("staff")
    listing = client.get(LIST_URL)
    assert "Rescore everyone" in listing.text

    response = client.post(RERANK_URL, follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "Rescoring every therapist is queued." in response.text
    run = ScheduledRun.objects.get()
    assert (run.job, run.status) == ("rerank", ScheduledRun.Status.SUCCEEDED)
    # The two of stale_scores() and the therapist who tried the button.
    assert run.outcome == "3 therapist score(s) changed."
    assert_scores_are_fresh()


def test_the_button_only_posts(log_in_as):
    response = log_in_as("staff").get(RERANK_URL)

    assert response.status_code == 405
    assert not ScheduledRun.objects.exists()


def test_the_button_queues_the_task_for_the_worker(log_in_as, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    stale_scores()

    log_in_as("staff").post(RERANK_URL)

    run = ScheduledRun.objects.get()
    assert run.status == ScheduledRun.Status.QUEUED
    task = DBTaskResult.objects.get(pk=run.task_result_id)
    assert task.task_path == "therapists.tasks.rerank"
    # Nothing changes until the worker runs it.
    assert set(Therapist.objects.values_list("qualification_score", flat=True)) == {1.5}


def test_pressing_again_while_one_waits_queues_nothing_more(log_in_as, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    staff = log_in_as("staff")
    staff.post(RERANK_URL)

    response = staff.post(RERANK_URL, follow=True)

    assert "already queued" in response.text
    assert ScheduledRun.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_once_the_waiting_run_has_started_the_button_queues_another(
    log_in_as, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    staff = log_in_as("staff")
    staff.post(RERANK_URL)
    ScheduledRun.objects.update(status=ScheduledRun.Status.RUNNING)

    staff.post(RERANK_URL)

    assert ScheduledRun.objects.count() == 2


def test_rerank_in_background_queues_rather_than_runs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    stale_scores()
    out = io.StringIO()

    call_command("rerank", in_background=True, stdout=out)

    run = ScheduledRun.objects.get(job="rerank")
    assert out.getvalue() == f"Rescoring queued (run {run.pk}).\n"
    assert DBTaskResult.objects.filter(pk=run.task_result_id).exists()
    assert set(Therapist.objects.values_list("qualification_score", flat=True)) == {1.5}

    rerank.call(run=run.pk)

    assert_scores_are_fresh()


def test_the_task_run_twice_changes_nothing_the_second_time():
    stale_scores()

    assert rerank.call() == "2 therapist score(s) changed."
    assert rerank.call() == "0 therapist score(s) changed."
