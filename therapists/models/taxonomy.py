"""Techniques and conditions: the terms clients search by."""

from django.db import models
from django.urls import reverse


class TaxonomyQuerySet(models.QuerySet):
    def choices_with(self, other: models.QuerySet) -> models.QuerySet:
        """(kind, id, slug, name, position) rows of this taxonomy and another, in
        one query."""

        def rows(queryset):
            kind = models.Value(
                queryset.model._meta.model_name, output_field=models.CharField()
            )
            return (
                queryset.annotate(kind=kind)
                .values_list("kind", "id", "slug", "name", "position")
                .order_by()
            )

        return rows(self).union(rows(other), all=True).order_by("position", "name")


class Taxonomy(models.Model):
    """A term clients search by: a technique or a condition."""

    # The search parameter that selects this term (`?technique=` or `?condition=`).
    search_parameter: str

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=100)

    objects = TaxonomyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('therapists:list')}?{self.search_parameter}={self.slug}"


class Technique(Taxonomy):
    search_parameter = "technique"

    description = models.CharField(max_length=300)
    helps_with = models.CharField(
        max_length=200, blank=True, help_text="A short note on what it helps with."
    )

    class Meta(Taxonomy.Meta):
        pass


class Condition(Taxonomy):
    search_parameter = "condition"

    description = models.CharField(max_length=300, blank=True)

    class Meta(Taxonomy.Meta):
        pass
