from django.views.generic import DetailView
from django_filters.views import FilterView

from interviews import shortlist
from reviews.forms import ReviewListForm
from reviews.models import Review
from therapists.filters import TherapistFilter
from therapists.models import Therapist
from therapists.pagination import CappedPaginator, count_cap
from therapists.querysets import treatments_of


class TherapistListView(FilterView):
    filterset_class = TherapistFilter
    paginate_by = 20
    template_name = "therapists/therapist_list.html"

    def get_queryset(self):
        return Therapist.objects.published().for_listing()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        filterset.count_cap = count_cap(
            self.request.GET.get(self.page_kwarg), self.paginate_by
        )
        return filterset

    def paginate_queryset(self, queryset, page_size):
        paginator = CappedPaginator(
            queryset,
            page_size,
            cap=self.filterset.count_cap,
            count=getattr(self.filterset, "match_count", None),
        )
        # An out-of-range or garbled ?page= shows the nearest real page, not a 404.
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        if point := getattr(self.filterset.form, "cleaned_data", {}).get("near"):
            for therapist in page.object_list:
                therapist.measure_from(point)
        return paginator, page, page.object_list, page.has_other_pages()


class TherapistDetailView(DetailView):
    template_name = "therapists/therapist_detail.html"

    def get_queryset(self):
        return Therapist.objects.visible_to(self.request.user).for_profile()

    def get_context_data(self, **kwargs):
        techniques, conditions = treatments_of(self.object)
        review_form = ReviewListForm(self.request.GET or None, conditions=conditions)
        review_form.is_valid()
        # A bad value in one field does not throw away the other.
        chosen = getattr(review_form, "cleaned_data", {})
        reviews = (
            Review.objects.filter(therapist=self.object)
            .for_profile()
            .about(chosen.get("condition") or None)
            .sorted_by(chosen.get("sort") or "newest")
        )
        return super().get_context_data(
            recent_reviews=reviews[:20],
            conditions_treated=[c for c in conditions if c.chosen],
            techniques_offered=sorted(
                (t for t in techniques if t.chosen),
                key=lambda t: (-t.years, t.position),
            ),
            review_form=review_form,
            consistency=self.object.review_consistency(),
            on_shortlist=self.object.pk in shortlist.therapist_ids(self.request),
            # By id: comparing users would load the owner's account row.
            is_owner=self.object.user_id is not None
            and self.object.user_id == self.request.user.pk,
            **kwargs,
        )
