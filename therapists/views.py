from django_filters.views import FilterView

from therapists.filters import TherapistFilter
from therapists.models import Therapist
from therapists.pagination import CappedPaginator, count_cap
from therapists.search import measure


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
        point = getattr(self.filterset.form, "cleaned_data", {}).get("near")
        measure(page.object_list, point)
        return paginator, page, page.object_list, page.has_other_pages()
