"""Site-wide pages: home, how we rank and robots.txt."""

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from therapists import freshness, ranking
from therapists.models import Condition, Technique


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            techniques=Technique.objects.all(),
            conditions=Condition.objects.all(),
            **kwargs,
        )


class HowWeRankView(TemplateView):
    template_name = "how_we_rank.html"

    def get_context_data(self, **kwargs):
        # Two made-up therapists: one well reviewed, one with a single review
        # (and details not confirmed for four months).
        today = timezone.localdate()
        example = ranking.RankingInputs(
            verified_licences=1,
            verified_certifications=1,
            other_verified_credentials=1,
            back_pain_years=6,
            rating_count=24,
            rating_sum=110,
            positive_count=22,
            recommend_count=21,
            details_confirmed_on=today - datetime.timedelta(days=20),
        )
        newcomer = ranking.RankingInputs(
            verified_licences=1,
            verified_certifications=0,
            other_verified_credentials=0,
            back_pain_years=8,
            rating_count=1,
            rating_sum=5,
            positive_count=1,
            recommend_count=1,
            details_confirmed_on=today - datetime.timedelta(days=120),
        )
        # Near a place: the case, a high score far away against a
        # lower one around the corner.
        far, close = (82.0, 17.6), (75.0, 1.2)
        return super().get_context_data(
            max_score=ranking.MAX_SCORE,
            max_best_match=ranking.MAX_BEST_MATCH,
            closeness_max=ranking.CLOSENESS_POINTS_MAX,
            closeness_per_mile=ranking.CLOSENESS_POINTS_LOST_PER_MILE,
            closeness_explanation=ranking.CLOSENESS_EXPLANATION,
            closeness_table=[
                (miles, ranking.closeness_points(miles))
                for miles in (0, 1, 5, 10, 20, 25, 40)
            ],
            nearby=[
                {
                    "score": score,
                    "miles": miles,
                    "closeness": ranking.closeness_points(miles),
                    "best_match": score + ranking.closeness_points(miles),
                }
                for score, miles in (far, close)
            ],
            full_weight=ranking.REVIEWS_FOR_FULL_WEIGHT,
            fresh_days=freshness.FRESH_DAYS,
            freshness_points=ranking.FRESHNESS_POINTS,
            clinician_points_each=ranking.CLINICIAN_POINTS_EACH,
            clinician_points_max=ranking.CLINICIAN_POINTS_MAX,
            to_judge=ranking.REVIEWS_TO_JUDGE,
            rating_floor=ranking.RATING_FLOOR,
            example_parts=ranking.score_parts(example),
            example_score=ranking.qualification_score(example),
            newcomer_parts=ranking.score_parts(newcomer),
            newcomer_score=ranking.qualification_score(newcomer),
            **kwargs,
        )


@require_safe
def robots_txt(request):
    """/robots.txt: keep crawlers out of private areas, point them at the sitemap."""
    return render(
        request,
        "robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
