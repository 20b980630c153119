"""`manage.py rerank`: today's site mean goes into the shared cache, and every
score is recomputed with it."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests import factories
from therapists import ranking
from therapists.models import Therapist

pytestmark = pytest.mark.django_db


def test_rerank_stores_the_measured_site_mean_and_rescores_everyone():
    low, high = factories.make_therapist(), factories.make_therapist()
    factories.make_reviews(low, [2, 2])
    factories.make_reviews(high, [5, 5, 5, 5, 5, 5])
    # Scores were computed with whatever mean was cached when they were saved.
    cache.set(ranking.SITE_MEAN_CACHE_KEY, 1.0)
    Therapist.objects.rerank()
    stale = Therapist.objects.get(pk=high.pk).qualification_score
    out = io.StringIO()

    call_command("rerank", stdout=out)

    assert cache.get(ranking.SITE_MEAN_CACHE_KEY) == pytest.approx(34 / 8)
    for therapist in Therapist.objects.all():
        assert therapist.qualification_score == ranking.score_of(therapist, 34 / 8)
    assert Therapist.objects.get(pk=high.pk).qualification_score != stale
    assert "Site mean 4.250; 2 therapist score(s) changed." in out.getvalue()


def test_rerank_with_no_reviews_uses_the_default_mean():
    factories.make_therapist()

    call_command("rerank", stdout=io.StringIO())

    assert cache.get(ranking.SITE_MEAN_CACHE_KEY) == ranking.DEFAULT_SITE_MEAN
