"""The public profile page: a therapist, with what the other apps know of
them (credentials, reviews, ranking, the visitor's shortlist), and how far they
are from the place the visitor searched near (?near=, carried by the search's
result cards)."""

from django.http import Http404, QueryDict
from django.utils import timezone
from django.views.generic import DetailView

from interviews.responsiveness import responsiveness_of
from profiles import page_cache, queries
from profiles.structured_data import profile_json_ld
from recommendations import writing as recommending
from recommendations.models import Recommendation
from reviews import stats
from reviews.forms import ReviewListForm
from shortlist import session as shortlist
from therapists import geocoding, ranking
from therapists.geocoding import GeoPoint
from therapists.models import Therapist
from therapists.search import measure, treatments_of
from verification import jurisdictions, training

# The longest place the search accepts (TherapistFilter's `near`).
PLACE_MAX_LENGTH = 60
REVIEWS_PER_PAGE = 20


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
    # The plain profile a visitor who is not logged in sees comes from the
    # page cache when it is kept there, and is kept there when it is not.
    cached = True
    slot = None

    def get(self, request, *args, **kwargs):
        self.slot = (
            page_cache.Slot.for_request(request, kwargs["slug"])
            if self.cached
            else None
        )
        entry = self.slot.get() if self.slot is not None else None
        if entry is not None:
            return self.render_to_response(entry.context(request))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return queries.profile_queryset(self.request.user)

    def get_object(self, queryset=None):
        """get_queryset()'s therapist, through its statement compiled once
        (profiles.queries): the same row, annotations and prefetches."""
        if queryset is not None:
            return super().get_object(queryset)
        therapist = queries.profile_of(self.kwargs["slug"], self.request.user)
        if therapist is None:
            raise Http404(f"No {Therapist._meta.verbose_name} found matching the query")
        return therapist

    def get_context_data(self, **kwargs):
        therapist = self.object
        techniques, conditions = treatments_of(therapist)
        review_form = ReviewListForm(self.request.GET or None, conditions=conditions)
        review_form.is_valid()
        summary = stats.summary_of(therapist)
        place, point = searched_place(self.request.GET.get("near", ""))
        # Sets the nearest location and its distance (none without a place).
        measure([therapist], point)
        states = {location.state for location in therapist.locations.all()}
        # From the credentials already loaded: no query of its own.
        held = training.current_training(therapist.credentials.all())
        recent_reviews = review_form.page_of(
            therapist,
            self.request.GET.get("page"),
            REVIEWS_PER_PAGE,
            reviews=queries.ReviewRows(review_form, therapist),
        )
        techniques_offered = sorted(
            (t for t in techniques if t.chosen), key=lambda t: (-t.years, t.position)
        )
        return super().get_context_data(
            recommendations=Recommendation.objects.for_profile_of(therapist),
            recommender=recommending.viewer_of(therapist, self.request.user),
            recent_reviews=recent_reviews,
            verified_only=review_form.verified_only,
            conditions_treated=[c for c in conditions if c.chosen],
            techniques_offered=techniques_offered,
            # The same page of reviews the template lists: no query of its own.
            structured_data=profile_json_ld(
                therapist,
                url=self.request.build_absolute_uri(therapist.get_absolute_url()),
                techniques=techniques_offered,
                reviews=recent_reviews,
            ),
            review_form=review_form,
            place=place,
            summary=summary,
            consistency=summary.consistency,
            outcomes=stats.outcomes_of(therapist),
            responsiveness=responsiveness_of(therapist),
            ranked=ranking.explain(
                therapist, miles=therapist.distance_miles, place=place
            ),
            licence_notes=jurisdictions.licence_notes(states),
            practice_states=jurisdictions.states_of(states),
            on_shortlist=therapist.pk in shortlist.therapist_ids(self.request),
            trauma_training=held,
            trauma_training_verified_on=training.verified_on(held),
            # By id: comparing users would load the owner's account row.
            is_owner=therapist.user_id is not None
            and therapist.user_id == self.request.user.pk,
            # Where {% profile_content %} keeps what it renders, if anywhere.
            profile_slot=self.slot,
            **kwargs,
        )


class TherapistPrintView(TherapistDetailView):
    """The profile on paper, for a client to take or send to their doctor: what
    anyone may see of a published profile, and nothing of the visitor (not the
    place they searched, not their filters: the address is read for the slug
    alone), with the public profile's address and the date printed."""

    template_name = "profiles/therapist_print.html"
    cached = False

    def setup(self, request, *args, **kwargs):
        request.GET = QueryDict()
        super().setup(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().published()

    def get_object(self, queryset=None):
        # Not the page the visitors keep loading: the ORM's own query.
        return DetailView.get_object(self, queryset)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            printed_on=timezone.localdate(),
            public_url=self.request.build_absolute_uri(self.object.get_absolute_url()),
            **kwargs,
        )
