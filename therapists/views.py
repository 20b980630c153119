from django.views.generic import TemplateView

from therapists import cards
from therapists.filters import Searched, TherapistFilter
from therapists.search import PER_PAGE, search


class TherapistListView(TemplateView):
    """The search page: the parameters, validated, go to therapists.search."""

    template_name = "therapists/therapist_list.html"
    paginate_by = PER_PAGE

    def get_context_data(self, **kwargs):
        filterset = TherapistFilter(self.request.GET or None)
        # No parameters is a search too (everyone, best first); a search with
        # a bad parameter runs nothing and shows what to correct.
        valid = filterset.is_valid() if filterset.is_bound else True
        asked = filterset.is_bound and valid
        results = search(
            filterset.params() if asked else {},
            self.request.GET.get("page"),
            per_page=self.paginate_by,
            nothing=not valid,
            # The cards ready only those they render (therapists.cards).
            ready=False,
        )
        found_nobody = asked and results.paginator.count == 0
        searched = filterset.searched() if asked else Searched()
        return super().get_context_data(
            filter=filterset,
            search=results,
            page_obj=results.page,
            paginator=results.paginator,
            radius=results.radius,
            searched=searched,
            cards=cards.page_of_cards(results, searched),
            active_filters=filterset.active_filters() if asked else [],
            # Counted only when the search found nobody (a few more queries).
            suggestions=filterset.suggestions() if found_nobody else [],
            **kwargs,
        )
