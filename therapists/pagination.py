"""Pagination that counts no further than a visitor can page.

An exact count of a dense search costs time in proportion to its matches: 9,000
therapists around Manhattan cost nine times 1,000, and ten times that again in a
directory ten times the size. Nobody pages through 9,000 results, so the search
counts at most ten pages past the page being shown (and at least 1,000 matches)
and says "1,000+" beyond that; refining the search gives exact figures again.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

MIN_COUNT_CAP = 1000
PAGES_AHEAD = 10
# The furthest page a count is made for: two million results at 20 a page, past
# the end of any real directory. A larger ?page= (up to 2^63 and beyond, which
# no database LIMIT takes) counts as this one and gets the nearest real page.
MAX_PAGE = 100_000


def count_cap(page: object, per_page: int) -> int:
    """How many matches to count for a request of `page` (a raw ?page= value)."""
    try:
        number = min(max(int(str(page)), 1), MAX_PAGE)
    except ValueError:
        number = 1
    return max(MIN_COUNT_CAP, (number + PAGES_AHEAD) * per_page)


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap` + 1 (so it knows there are more).

    `count` may be passed in when the caller has already counted (capped) the
    same matches another way.
    """

    def __init__(self, object_list, per_page, *, cap: int, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.known_count = count

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return min(self.known_count, self.cap + 1)
        # Which matches are counted does not matter: no order, no columns.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        """Whether there are more matches than were counted."""
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        """ "1,234", or "1,000+" when the count stopped at the cap."""
        return f"{self.cap:,}+" if self.is_capped else f"{self.count:,}"

    @property
    def pages_label(self) -> str:
        """ "62", or "50+" when the count stopped at the cap."""
        if self.is_capped:
            return f"{self.cap // self.per_page:,}+"
        return f"{self.num_pages:,}"
