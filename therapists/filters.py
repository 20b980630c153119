"""The one FilterSet behind the search page (and, later, the JSON API).

Parameter names are part of the public URL contract: q, near, radius,
technique, condition, verified, min_rating, min_reviews, accepting, max_price,
gender, language, mobile, accessible, sort.
"""

import django_filters
from django import forms
from django.forms.renderers import Jinja2

from therapists import geocoding
from therapists.indexing import technique_bits_are_exact
from therapists.models import (
    LANGUAGE_CHOICES,
    Condition,
    PracticeLocation,
    Technique,
    Therapist,
)
from therapists.pagination import MIN_COUNT_CAP
from therapists.ranking import Sort

DEFAULT_RADIUS_MILES = 25
EMPTY_VALUES = (None, "", [], False)
MAX_RADIUS_MILES = 250


class TherapistSearchForm(forms.Form):
    """Fields that shape the search rather than filter it, and cross-field rules."""

    # Django's Jinja2 copies of its widget templates: the search page renders
    # 13 widgets on every request, three times faster than through the Django
    # template engine (the admin's widgets exist only for the latter, so this
    # is per form, not FORM_RENDERER). One instance: it compiles each template once.
    default_renderer = Jinja2()

    # The page places these three parts of the form (therapists/jinja2/...).
    @property
    def main_fields(self):
        return self.render("therapists/search/main.html")

    @property
    def filter_fields(self):
        return self.render("therapists/search/filters.html")

    @property
    def sort_field(self):
        return self.render("therapists/search/sort.html")

    radius = forms.IntegerField(
        label="Within (miles)",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_MILES,
        widget=forms.NumberInput(attrs={"placeholder": str(DEFAULT_RADIUS_MILES)}),
    )
    sort = forms.ChoiceField(label="Sort by", choices=Sort.choices, required=False)

    def clean_near(self):
        text = self.cleaned_data.get("near", "").strip()
        if not text:
            return None
        try:
            return geocoding.geocode(text)
        except geocoding.PlaceNotFound:
            raise forms.ValidationError(
                "We could not find “%(place)s”. Enter a 5-digit US ZIP code "
                "(e.g. 10001) or a city and state (e.g. Austin, TX).",
                code="unknown_place",
                params={"place": text},
            ) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sort") == Sort.DISTANCE and not cleaned.get("near"):
            if "near" not in self.errors:
                self.add_error(
                    "sort",
                    forms.ValidationError(
                        "Enter a ZIP code or city in “Near” to sort by distance.",
                        code="distance_needs_place",
                    ),
                )
        return cleaned


class CheckboxFilter(django_filters.BooleanFilter):
    """A checkbox (`=on`) that applies a TherapistQuerySet method when ticked."""

    field_class = forms.BooleanField

    def __init__(self, *args, queryset_method: str, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)
        self.queryset_method = queryset_method

    def filter(self, qs, value):
        if not value:
            return qs
        return getattr(qs, self.queryset_method)()


class TherapistFilter(django_filters.FilterSet):
    # How many matches the page's count may stop at (see therapists.pagination);
    # the view sets it from the requested page.
    count_cap = MIN_COUNT_CAP

    q = django_filters.CharFilter(
        label="Name, technique or keyword", method="filter_search", max_length=100
    )
    near = django_filters.CharFilter(
        label="Near (ZIP code or City, ST)", method="filter_near", max_length=60
    )
    technique = django_filters.MultipleChoiceFilter(
        label="Techniques",
        method="filter_technique",
        widget=forms.CheckboxSelectMultiple,
    )
    condition = django_filters.MultipleChoiceFilter(
        label="What hurts",
        method="filter_condition",
        widget=forms.CheckboxSelectMultiple,
    )
    verified = CheckboxFilter(
        label="Verified licence or board certification", queryset_method="verified"
    )
    accepting = CheckboxFilter(
        label="Accepting new clients", queryset_method="accepting_clients"
    )
    mobile = CheckboxFilter(
        label="Offers home visits", queryset_method="visiting_clients"
    )
    accessible = CheckboxFilter(
        label="Wheelchair-accessible premises", queryset_method="wheelchair_accessible"
    )
    min_rating = django_filters.NumberFilter(
        label="Minimum rating",
        method="filter_min_rating",
        min_value=1,
        max_value=5,
    )
    min_reviews = django_filters.NumberFilter(
        label="Minimum number of reviews",
        method="filter_min_reviews",
        min_value=0,
        max_value=100000,
        decimal_places=0,
    )
    max_price = django_filters.NumberFilter(
        label="Maximum price (USD, 60 min)",
        field_name="session_price",
        lookup_expr="lte",
        min_value=1,
        max_value=100000,
    )
    gender = django_filters.ChoiceFilter(
        label="Therapist gender", choices=Therapist.Gender.choices, empty_label="Any"
    )
    language = django_filters.ChoiceFilter(
        label="Language",
        choices=LANGUAGE_CHOICES,
        method="filter_language",
        empty_label="Any",
    )

    class Meta:
        model = Therapist
        form = TherapistSearchForm
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated once per request, in one query for both taxonomies, and
        # used both to validate the parameters and to render the checkboxes.
        choices = {"technique": [], "condition": []}
        self.technique_ids = {}
        for kind, pk, slug, name, _ in Technique.objects.choices_with(
            Condition.objects
        ):
            choices[kind].append((slug, name))
            if kind == "technique":
                self.technique_ids[slug] = pk
        for name, options in choices.items():
            self.filters[name].extra["choices"] = options

    def filter_queryset(self, queryset):
        # The form also carries `radius` and `sort`, which shape the search
        # rather than filter it: apply the filters, then order last so the
        # ordering can use what the filters annotated (distance).
        data = self.form.cleaned_data
        # `near` is declared before the filters it can settle (see filter_near).
        self.settled_by_near = set()
        self.match_count = None
        for name, filter_ in self.filters.items():
            if name not in self.settled_by_near:
                queryset = filter_.filter(queryset, data.get(name))
        return queryset.sorted_by(data.get("sort") or Sort.BEST)

    @property
    def radius(self) -> int:
        return self.form.cleaned_data.get("radius") or DEFAULT_RADIUS_MILES

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_near(self, queryset, name, value):
        # Apply, inside the geo index, the filters whose columns the location
        # rows copy; the ones settled exactly there are not applied again.
        data = self.form.cleaned_data
        locations = PracticeLocation.objects.listed()
        if data.get("verified"):
            locations = locations.of_verified()
            self.settled_by_near.add("verified")
        if data.get("technique"):
            ids = [self.technique_ids[slug] for slug in data["technique"]]
            locations = locations.offering_any(ids)
            every_id = self.technique_ids.values()
            if all(technique_bits_are_exact(pk, every_id) for pk in ids):
                self.settled_by_near.add("technique")
        circle = locations.within(value, self.radius)
        dense = False
        if self.active_filters() <= {"near", *self.settled_by_near}:
            # The location rows alone decide the matches: count them there,
            # no further than the cap, and let the count choose the plan.
            self.match_count = circle.therapist_count(limit=self.count_cap + 1)
            # Walking the sort order only pays for orders an index keeps.
            dense = (
                self.match_count > self.count_cap and data.get("sort") != Sort.DISTANCE
            )
        return queryset.near(value, self.radius, circle=circle, dense=dense)

    def active_filters(self) -> set[str]:
        """Names of the filters this search uses."""
        data = self.form.cleaned_data
        return {name for name in self.filters if data.get(name) not in EMPTY_VALUES}

    def filter_technique(self, queryset, name, value):
        return queryset.offering(value)

    def filter_condition(self, queryset, name, value):
        return queryset.treating(value)

    def filter_min_rating(self, queryset, name, value):
        return queryset.rated_at_least(float(value))

    def filter_min_reviews(self, queryset, name, value):
        return queryset.reviewed_at_least(int(value))

    def filter_language(self, queryset, name, value):
        return queryset.speaking(value)
