"""The therapists' background tasks, registered in TherapistsConfig.ready():
rescoring everyone, started by staff (the button on the therapists' admin
list, or `manage.py rerank --in-background`), not scheduled: each change
rescores its own therapist (therapists/management/commands/rerank.py says
why); and the nightly compaction of the full-text index."""

from django.db import transaction
from django.tasks import task

from core import schedule
from therapists.indexing import compact_search_index
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


def compact() -> str:
    """Merge the full-text index into one segment; says how many steps it took.
    Running it again does nothing."""
    steps = compact_search_index()
    return f"The search index was merged in {steps} step(s)."


@task
def compact_index(run: int | None = None, attempt: int = 1) -> str:
    """compact() in the worker, each night, retried with backoff on failure."""
    return schedule.perform(compact_index, compact, run=run, attempt=attempt)
