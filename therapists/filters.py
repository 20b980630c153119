"""The search's parameters: names, labels, widgets and validation.

Parameter names are part of the public URL contract: q, near, radius,
technique, condition, verified, min_rating, min_reviews, accepting, max_price,
gender, language, mobile, accessible, sort. What each one does is decided in
one place, therapists.search (NARROWERS and matches()); this FilterSet turns a
query string into the cleaned parameters it takes.
"""

import django_filters
from django import forms
from django.forms.renderers import Jinja2

from therapists import geocoding, search
from therapists.models import LANGUAGE_CHOICES, Condition, Technique, Therapist
from therapists.ranking import Sort


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
        max_value=search.MAX_RADIUS_MILES,
        widget=forms.NumberInput(
            attrs={"placeholder": str(search.DEFAULT_RADIUS_MILES)}
        ),
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
    """A checkbox (`=on`): ticked or not."""

    field_class = forms.BooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)


class TherapistFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name, technique or keyword", max_length=100)
    near = django_filters.CharFilter(label="Near (ZIP code or City, ST)", max_length=60)
    technique = django_filters.MultipleChoiceFilter(
        label="Techniques",
        widget=forms.CheckboxSelectMultiple,
    )
    condition = django_filters.MultipleChoiceFilter(
        label="What hurts",
        widget=forms.CheckboxSelectMultiple,
    )
    verified = CheckboxFilter(label="Verified licence or board certification")
    accepting = CheckboxFilter(label="Accepting new clients")
    mobile = CheckboxFilter(label="Offers home visits")
    accessible = CheckboxFilter(label="Wheelchair-accessible premises")
    min_rating = django_filters.NumberFilter(
        label="Minimum rating",
        min_value=1,
        max_value=5,
    )
    min_reviews = django_filters.NumberFilter(
        label="Minimum number of reviews",
        min_value=0,
        max_value=100000,
        decimal_places=0,
    )
    max_price = django_filters.NumberFilter(
        label="Maximum price (USD, 60 min)",
        min_value=1,
        max_value=100000,
    )
    gender = django_filters.ChoiceFilter(
        label="Therapist gender", choices=Therapist.Gender.choices, empty_label="Any"
    )
    language = django_filters.ChoiceFilter(
        label="Language",
        choices=LANGUAGE_CHOICES,
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

    def params(self) -> dict:
        """The cleaned parameters therapists.search takes (call is_valid() first),
        with every technique's id for the location bits, already loaded here."""
        return {**self.form.cleaned_data, "technique_ids": self.technique_ids}

    def filter_queryset(self, queryset):
        # One search, whoever asks: the page, explain_search, the FilterSet.
        return search.matches(self.params(), therapists=queryset).therapists
