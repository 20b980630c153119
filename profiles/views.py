"""The public profile page: a therapist, with what the other apps know of
them (credentials, reviews, ranking, the visitor's shortlist)."""

from django.db.models import Prefetch
from django.views.generic import DetailView

from reviews import stats
from reviews.forms import ReviewListForm
from reviews.models import Review
from shortlist import session as shortlist
from therapists import ranking
from therapists.models import Therapist
from therapists.search import treatments_of
from verification import jurisdictions
from verification.models import Credential


class TherapistDetailView(DetailView):
    template_name = "profiles/therapist_detail.html"

    def get_queryset(self):
        therapists = Therapist.objects.visible_to(self.request.user).for_profile()
        return stats.with_recent_negative(therapists).prefetch_related(
            Prefetch("credentials", queryset=Credential.objects.for_profile())
        )

    def get_context_data(self, **kwargs):
        therapist = self.object
        techniques, conditions = treatments_of(therapist)
        review_form = ReviewListForm(self.request.GET or None, conditions=conditions)
        review_form.is_valid()
        # A bad value in one field does not throw away the other.
        chosen = getattr(review_form, "cleaned_data", {})
        reviews = (
            Review.objects.filter(therapist=therapist)
            .for_profile()
            .about(chosen.get("condition") or None)
            .sorted_by(chosen.get("sort") or "newest")
        )
        summary = stats.summary_of(therapist)
        states = {location.state for location in therapist.locations.all()}
        return super().get_context_data(
            recent_reviews=reviews[:20],
            conditions_treated=[c for c in conditions if c.chosen],
            techniques_offered=sorted(
                (t for t in techniques if t.chosen),
                key=lambda t: (-t.years, t.position),
            ),
            review_form=review_form,
            summary=summary,
            consistency=summary.consistency,
            score_parts=ranking.breakdown(
                therapist, Therapist.objects.site_mean_rating()
            ),
            licence_notes=jurisdictions.licence_notes(states),
            on_shortlist=therapist.pk in shortlist.therapist_ids(self.request),
            # By id: comparing users would load the owner's account row.
            is_owner=therapist.user_id is not None
            and therapist.user_id == self.request.user.pk,
            **kwargs,
        )
