"""Rescoring everyone as a background task, started by staff (the button on
the therapists' admin list, or `manage.py rerank --in-background`); registered
in TherapistsConfig.ready(). Not scheduled: each change rescores its own
therapist (therapists/management/commands/rerank.py says why)."""

from django.db import transaction
from django.tasks import task

from core import schedule
from therapists.models import Therapist


def rerank_everyone() -> str:
    """Rescore every therapist and copy the scores onto their locations; says
    how many changed. Running it again changes nothing."""
    with transaction.atomic():
        changed = Therapist.objects.rerank()
    return f"{changed} therapist score(s) changed."


@task
def rerank(run: int | None = None, attempt: int = 1) -> str:
    """rerank_everyone() in the worker, retried with backoff on failure."""
    return schedule.perform(rerank, rerank_everyone, run=run, attempt=attempt)
