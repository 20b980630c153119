"""The sitemap's section of state pages (/sitemap-states.xml). They carry no
lastmod: their text comes from the code and their counts move with every
listing, so no date would say when a page last changed."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from verification import jurisdictions


class StateSitemap(Sitemap):
    """The list of states, then each state's page."""

    changefreq = "monthly"

    def items(self) -> list[str]:
        states = sorted(jurisdictions.STATES.values(), key=lambda state: state.name)
        return ["", *(state.slug for state in states)]

    def location(self, item: str) -> str:
        if not item:
            return reverse("states:index")
        return reverse("states:detail", kwargs={"code": item})
