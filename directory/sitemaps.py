"""The sitemap (/sitemap.xml): an index of sections, each split into pages of
at most `limit` URLs (`?p=`). The site's own pages are here; the profiles' and
the states' sections live in the apps that own those pages."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from hsds import download
from profiles.sitemaps import TherapistSitemap
from states.sitemaps import StateSitemap


class PageSitemap(Sitemap):
    """Home, how we rank, what massage can do and open data. Only the open data
    page has a lastmod (its download's date): the others are templates, whose
    file dates say when the code was checked out, not when they changed."""

    changefreq = "monthly"

    def items(self) -> list[str]:
        return ["home", "how-we-rank", "massage-evidence", "hsds:index"]

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str) -> datetime.datetime | None:
        if item != "hsds:index":
            return None
        found = download.current()
        return found.built_at if found else None


SITEMAPS = {
    "pages": PageSitemap,
    "states": StateSitemap,
    "therapists": TherapistSitemap,
}
