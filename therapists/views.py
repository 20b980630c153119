from django.views.generic import DetailView
from django_filters.views import FilterView

from reviews.models import Review
from therapists.filters import DEFAULT_RADIUS_MILES, TherapistFilter
from therapists.models import Therapist


class TherapistListView(FilterView):
    filterset_class = TherapistFilter
    paginate_by = 20
    template_name = "therapists/therapist_list.html"

    def get_queryset(self):
        return Therapist.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(default_radius=DEFAULT_RADIUS_MILES, **kwargs)


class TherapistDetailView(DetailView):
    template_name = "therapists/therapist_detail.html"

    def get_queryset(self):
        return Therapist.objects.visible_to(self.request.user).for_profile()

    def get_context_data(self, **kwargs):
        reviews = Review.objects.filter(therapist=self.object).for_profile()[:10]
        return super().get_context_data(recent_reviews=reviews, **kwargs)
