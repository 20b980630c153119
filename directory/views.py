"""Site-wide pages: home and how we rank."""

from django.views.generic import TemplateView

from therapists import ranking
from therapists.models import Condition, Technique, Therapist


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
        example = ranking.RankingInputs(
            verified_licences=1,
            verified_certifications=1,
            other_verified_credentials=1,
            back_pain_years=6,
            rating_count=24,
            rating_sum=110,
            positive_count=22,
        )
        site_mean = Therapist.objects.site_mean_rating()
        return super().get_context_data(
            site_mean=site_mean,
            max_score=ranking.MAX_SCORE,
            prior_reviews=ranking.PRIOR_REVIEWS,
            example_parts=ranking.score_parts(example, site_mean),
            example_score=ranking.qualification_score(example, site_mean),
            **kwargs,
        )
