"""`manage.py rerank` and the migration that runs it on deploy: every stored
score, and its copy on each location, is recomputed from the stored columns."""

import importlib
import io

import pytest
from django.apps import apps as live_apps
from django.core.management import call_command

from tests import factories
from therapists import ranking
from therapists.models import PracticeLocation, Therapist

pytestmark = pytest.mark.django_db


def stale_scores():
    """Two therapists with locations whose stored scores (and copies) are wrong,
    as after a change of formula."""
    low, high = factories.make_therapist(), factories.make_therapist()
    factories.make_location(low, "10001")
    factories.make_location(high, "11201")
    factories.make_reviews(low, [2, 2])
    factories.make_reviews(high, [5, 5, 5, 5, 5, 5])
    Therapist.objects.update(qualification_score=1.5)
    PracticeLocation.objects.update(qualification_score=1.5)
    return low, high


def assert_scores_are_fresh():
    for therapist in Therapist.objects.all():
        assert therapist.qualification_score == ranking.score_of(therapist)
        assert therapist.qualification_score != 1.5
        for location in therapist.locations.all():
            assert location.qualification_score == therapist.qualification_score


def test_rerank_rescores_everyone_and_copies_the_scores_to_locations():
    stale_scores()
    out = io.StringIO()

    call_command("rerank", stdout=out)

    assert_scores_are_fresh()
    assert "2 therapist score(s) changed." in out.getvalue()


def test_rerank_changes_nothing_when_every_score_is_current():
    stale_scores()
    call_command("rerank", stdout=io.StringIO())
    out = io.StringIO()

    call_command("rerank", stdout=out)

    assert "0 therapist score(s) changed." in out.getvalue()


def test_the_deploy_migration_rescores_everyone_and_copies_the_scores():
    stale_scores()
    migration = importlib.import_module(
        "therapists.migrations.0012_location_score_copy_and_rescore"
    )

    migration.rescore_everyone(live_apps, schema_editor=None)

    assert_scores_are_fresh()
