"""The sitemap's section of published profiles (/sitemap-therapists.xml)."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from therapists.models import Therapist


class TherapistSitemap(Sitemap):
    """Each published profile, with when it last changed; read as (slug, date)
    rows a page of at most `limit` at a time, never as model instances."""

    changefreq = "weekly"

    def items(self):
        # Ordered by id so that pages stay put while profiles are published.
        return (
            Therapist.objects.published()
            .order_by("pk")
            .values_list("slug", "updated_at", named=True)
        )

    def location(self, item) -> str:
        return reverse("profiles:detail", kwargs={"slug": item.slug})

    def lastmod(self, item) -> datetime.datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        """The newest change of any published profile, in one query (Django's
        default would read every item to find it)."""
        return Therapist.objects.published().aggregate(latest=Max("updated_at"))[
            "latest"
        ]
