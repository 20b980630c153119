"""The public profile page: a therapist, with what the other apps know of
them (credentials, reviews, ranking, the visitor's shortlist), and how far they
are from the place the visitor searched near (?near=, carried by the search's
result cards)."""

from django.db.models import Prefetch
from django.views.generic import DetailView

from reviews import stats
from reviews.forms import ReviewListForm
from reviews.models import Review
from shortlist import session as shortlist
from therapists import geocoding, ranking
from therapists.geocoding import GeoPoint
from therapists.models import Therapist
from therapists.search import measure, treatments_of
from verification import jurisdictions
from verification.models import Credential

# The longest place the search accepts (TherapistFilter's `near`).
PLACE_MAX_LENGTH = 60


def searched_place(text: str) -> tuple[str, GeoPoint | None]:
    """The place a visitor searched near, as they wrote it, and where it is;
    ("", None) for anything the search would not accept: a link someone edited
    is not worth an error page."""
    text = " ".join(text.split())
    if not text or len(text) > PLACE_MAX_LENGTH:
        return "", None
    try:
        return text, geocoding.geocode(text)
    except geocoding.PlaceNotFound:
        return "", None


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
        place, point = searched_place(self.request.GET.get("near", ""))
        # Sets the nearest location and its distance (none without a place).
        measure([therapist], point)
        states = {location.state for location in therapist.locations.all()}
        return super().get_context_data(
            recent_reviews=reviews[:20],
            conditions_treated=[c for c in conditions if c.chosen],
            techniques_offered=sorted(
                (t for t in techniques if t.chosen),
                key=lambda t: (-t.years, t.position),
            ),
            review_form=review_form,
            place=place,
            summary=summary,
            consistency=summary.consistency,
            ranked=ranking.explain(
                therapist, miles=therapist.distance_miles, place=place
            ),
            licence_notes=jurisdictions.licence_notes(states),
            on_shortlist=therapist.pk in shortlist.therapist_ids(self.request),
            # By id: comparing users would load the owner's account row.
            is_owner=therapist.user_id is not None
            and therapist.user_id == self.request.user.pk,
            **kwargs,
        )
