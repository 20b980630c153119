"""The search's parameters: names, labels, widgets and validation.

Parameter names are part of the public URL contract: q, near, radius,
technique, condition, verified, recommended, min_rating, min_reviews,
min_verified_rating, accepting, max_price, gender, language, mobile,
accessible (= access=step-free), access, hours, gentle, length, payment, sort. What
each one does is decided in one place, therapists.search (NARROWERS and
matches()); this FilterSet turns a query string into the cleaned parameters it
takes, and says in words what a
search asked for: the chips above the results (active_filters()) and, when a
search finds nobody, the nearest searches that would (suggestions()).
"""

import copy
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

import django_filters
from django import forms
from django.forms.renderers import Jinja2
from django.http import QueryDict

from core.memo import Memo
from therapists import (
    accessibility,
    availability,
    comfort,
    compiled,
    geocoding,
    payment,
    pricing,
    search,
)
from therapists.models import LANGUAGE_CHOICES, Therapist
from therapists.pagination import MIN_COUNT_CAP
from therapists.ranking import Sort


def plain_messages(message: str, *codes: str) -> dict[str, str]:
    """The same plain-English message for each of Django's error codes."""
    return dict.fromkeys(codes, message)


NUMBER_CODES = ("invalid", "min_value", "max_value", "max_digits")
NUMBER_CODES += ("max_decimal_places", "max_whole_digits", "step_size")


class RememberedWidgetBoundField(forms.BoundField):
    """A bound field whose widget's markup, a function of the form's class,
    the field and the value and whether it has errors, is rendered once per
    process for each of them (a few hundred at most are kept): most searches
    leave most of the panel's fields empty or at a few common values."""

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        if widget is not None or attrs or only_initial:
            return super().as_widget(widget, attrs, only_initial)
        key = (
            type(self.form),
            self.name,
            self.html_name,
            self.auto_id,
            repr(self.value()),
            bool(self.errors),
        )
        found = _WIDGETS.get(key)
        if found is None:
            found = _WIDGETS.keep(key, super().as_widget())
        return found


# The widgets' markup by RememberedWidgetBoundField's key.
_WIDGETS = Memo(at_most=1000)
# The form's parts' markup by TherapistSearchForm.remembered()'s key (the filter
# panel is about 20 KB).
_PARTS = Memo(at_most=200)


class TherapistSearchForm(forms.Form):
    """Fields that shape the search rather than filter it, and cross-field rules."""

    bound_field_class = RememberedWidgetBoundField

    # The order a person meets the fields on the page (the search box, then the
    # filter panel, then the sort above the results): errors are listed in it.
    field_order = [
        "q",
        "near",
        "radius",
        "condition",
        "technique",
        "verified",
        "recommended",
        "accepting",
        "mobile",
        "accessible",
        "access",
        "hours",
        "gentle",
        "min_rating",
        "min_verified_rating",
        "min_reviews",
        "length",
        "max_price",
        "payment",
        "gender",
        "language",
        "sort",
    ]

    # Django's Jinja2 copies of its widget templates: the search page renders
    # 13 widgets on every request, three times faster than through the Django
    # template engine (the admin's widgets exist only for the latter, so this
    # is per form, not FORM_RENDERER). One instance: it compiles each template once.
    default_renderer = Jinja2()

    # The page places these three parts of the form (therapists/jinja2/...).
    # Each reads the form's fields by name, so none needs the context
    # Form.get_context() builds (every field's errors, rendered).
    @property
    def main_fields(self):
        return self.remembered("therapists/search/main.html")

    @property
    def filter_fields(self):
        return self.remembered("therapists/search/filters.html")

    @property
    def sort_field(self):
        return self.remembered("therapists/search/sort.html")

    def remembered(self, template_name: str) -> str:
        """One part of the form's markup, rendered once per process for each
        state of the form: its class (which holds the taxonomies' choices,
        TherapistFilter's _shaped()) and prefix, and every field's value and
        errors, all the part reads. The filter panel's lists of boxes cost a
        third of the page's Python; most searches share a few states."""
        state = repr(
            [(name, self[name].value(), self.errors.get(name)) for name in self.fields]
        )
        key = (
            type(self),
            self.prefix,
            template_name,
            hashlib.sha256(state.encode()).digest(),
        )
        found = _PARTS.get(key)
        if found is None:
            found = _PARTS.keep(key, self.render(template_name, {"form": self}))
        return found

    radius = forms.IntegerField(
        label="Within (miles)",
        required=False,
        min_value=1,
        max_value=search.MAX_RADIUS_MILES,
        widget=forms.NumberInput(
            attrs={"placeholder": str(search.DEFAULT_RADIUS_MILES)}
        ),
        error_messages=plain_messages(
            f"Enter a radius between 1 and {search.MAX_RADIUS_MILES} miles.",
            *NUMBER_CODES,
        ),
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=Sort.choices,
        required=False,
        error_messages=plain_messages(
            "Choose an order from the list.", "invalid_choice"
        ),
    )

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


@dataclass(frozen=True)
class Refinement:
    """The same search changed in one way: a link and what it does, in words."""

    label: str
    # The changed search's query string ("?near=10001&radius=50"), or "" for
    # a search with no parameters left.
    query: str
    # How many therapists it finds ("12 therapists"): said for suggestions.
    count_label: str = ""


@dataclass(frozen=True)
class Searched:
    """What a result card marks: the searched techniques (slugs) and conditions
    (names, in the panel's order), and the place a profile measures from."""

    techniques: frozenset[str] = frozenset()
    conditions: tuple[str, ...] = ()
    place: str = ""
    # The accessibility items searched for (codes; accessible=on is step-free).
    access: frozenset[str] = frozenset()
    # The kinds of weekly hours searched for (evenings, weekends).
    hours: frozenset[str] = frozenset()
    # The ways to pay searched for (codes).
    payment: frozenset[str] = frozenset()
    # Gentle pressure searched for (every match offers it).
    gentle: bool = False
    # The session length whose price a card shows (therapists.pricing).
    length: int = pricing.DEFAULT_LENGTH

    # Worked out once per page, not once per card.
    @cached_property
    def profile_query(self) -> str:
        """The query string a card's profile link carries ("?near=10001")."""
        return f"?{urlencode({'near': self.place})}" if self.place else ""

    @cached_property
    def condition_words(self) -> str:
        """The searched conditions as a card's chip says them: every match
        treats at least one of them (the filter is "any of")."""
        if not self.conditions:
            return ""
        first, *others = self.conditions
        return " or ".join([first, *(name.lower() for name in others)])


# The filters a search can drop, in the panel's order (a search box with words is
# a filter too): the form's order, less the fields that shape the search.
FILTER_ORDER = tuple(
    name for name in TherapistSearchForm.field_order if name in search.NARROWERS
)
# How a chip names an on/off filter.
FLAG_WORDS = {
    "verified": "Verified licence",
    "recommended": "Recommended by a clinician",
    "accepting": "Accepting new clients",
    "mobile": "Home visits",
    "accessible": accessibility.STEP_FREE.label,
    "gentle": comfort.GENTLE_LABEL,
}
# What dropping a filter that has several values is called.
ANY_WORDS = {
    "technique": "Any technique",
    "condition": "Anything that hurts",
    "access": "Any access",
    "hours": "Any hours",
    "payment": "Any way to pay",
}
# The filters with several values, one chip each.
LIST_FILTERS = ("technique", "condition", "access", "hours", "payment")
# A search that found nobody is counted again at most this often: two wider
# radii (the first that finds someone is offered) and four filters left out.
WIDER_RADII = (10, 25, 50, 100, search.MAX_RADIUS_MILES)
RADII_TRIED = 2
FILTERS_TRIED = 4


def therapists_found(count: int) -> str:
    """ "1 therapist", "12 therapists", "1,000+ therapists" past the count's cap."""
    if count > MIN_COUNT_CAP:
        return f"{MIN_COUNT_CAP:,}+ therapists"
    return f"{count:,} therapist{'' if count == 1 else 's'}"


def number_words(value: Decimal) -> str:
    """4 for 4.00, 4.5 for 4.50."""
    return f"{value.normalize():f}"


class CheckboxFilter(django_filters.BooleanFilter):
    """A checkbox (`=on`): ticked or not."""

    field_class = forms.BooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)


class TherapistFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Name, technique or keyword",
        max_length=100,
        error_messages=plain_messages(
            "Use 100 characters or fewer (this has %(show_value)d).", "max_length"
        ),
    )
    near = django_filters.CharFilter(
        label="Near (ZIP code or City, ST)",
        max_length=60,
        error_messages=plain_messages(
            "Enter a 5-digit ZIP code or a city and state, such as Austin, TX.",
            "max_length",
        ),
    )
    technique = django_filters.MultipleChoiceFilter(
        label="Techniques",
        widget=forms.CheckboxSelectMultiple,
        error_messages=plain_messages(
            "Choose techniques from the list.", "invalid_choice", "invalid_list"
        ),
    )
    condition = django_filters.MultipleChoiceFilter(
        label="What hurts",
        widget=forms.CheckboxSelectMultiple,
        error_messages=plain_messages(
            "Choose what hurts from the list.", "invalid_choice", "invalid_list"
        ),
    )
    verified = CheckboxFilter(label="Verified licence or board certification")
    recommended = CheckboxFilter(label="Recommended by a clinician")
    accepting = CheckboxFilter(label="Accepting new clients")
    mobile = CheckboxFilter(label="Offers home visits")
    accessible = CheckboxFilter(label=accessibility.STEP_FREE.label)
    access = django_filters.MultipleChoiceFilter(
        label="Accessibility (all ticked must hold)",
        choices=accessibility.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages=plain_messages(
            "Choose accessibility items from the list.",
            "invalid_choice",
            "invalid_list",
        ),
    )
    hours = django_filters.MultipleChoiceFilter(
        label="Open (all ticked must hold)",
        choices=availability.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages=plain_messages(
            "Choose evenings or weekends from the list.",
            "invalid_choice",
            "invalid_list",
        ),
    )
    gentle = CheckboxFilter(label=comfort.GENTLE_LABEL)
    min_rating = django_filters.NumberFilter(
        label="Minimum rating",
        min_value=1,
        max_value=5,
        error_messages=plain_messages(
            "Enter a rating between 1 and 5 stars.", *NUMBER_CODES
        ),
    )
    min_verified_rating = django_filters.NumberFilter(
        label="Minimum rating from verified clients",
        min_value=1,
        max_value=5,
        error_messages=plain_messages(
            "Enter a rating between 1 and 5 stars.", *NUMBER_CODES
        ),
    )
    min_reviews = django_filters.NumberFilter(
        label="Minimum number of reviews",
        min_value=0,
        max_value=100000,
        decimal_places=0,
        error_messages=plain_messages(
            "Enter a whole number of reviews, from 0 to 100,000.", *NUMBER_CODES
        ),
    )
    length = django_filters.ChoiceFilter(
        label="Session length",
        choices=pricing.LENGTH_CHOICES,
        empty_label="Any (prices for 60 minutes)",
        error_messages=plain_messages(
            "Choose a session length from the list.", "invalid_choice"
        ),
    )
    max_price = django_filters.NumberFilter(
        label="Maximum price per session (USD)",
        min_value=1,
        max_value=100000,
        error_messages=plain_messages(
            "Enter a price in dollars between 1 and 100,000, such as 120.",
            *NUMBER_CODES,
        ),
    )
    payment = django_filters.MultipleChoiceFilter(
        label="Ways to pay (all ticked must hold)",
        choices=payment.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages=plain_messages(
            "Choose ways to pay from the list.", "invalid_choice", "invalid_list"
        ),
    )
    gender = django_filters.ChoiceFilter(
        label="Therapist gender",
        choices=Therapist.Gender.choices,
        empty_label="Any",
        error_messages=plain_messages(
            "Choose a gender from the list, or Any.", "invalid_choice"
        ),
    )
    language = django_filters.ChoiceFilter(
        label="Language",
        choices=LANGUAGE_CHOICES,
        empty_label="Any",
        error_messages=plain_messages(
            "Choose a language from the list, or Any.", "invalid_choice"
        ),
    )

    class Meta:
        model = Therapist
        form = TherapistSearchForm
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # The taxonomies are read once per request, in one query, and used both
        # to validate the parameters and to render the checkboxes. What they
        # shape (the filters' choices, the form's class and fields) is built
        # once per process for each state of them (_shaped()), not copied
        # per request as FilterSet.__init__() and Form.__init__() would.
        rows = compiled.taxonomy_rows()
        shaped = _shaped(type(self), rows)
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = shaped.filters
        self.technique_ids = shaped.technique_ids
        self._form_class = shaped.form_class

    def get_form_class(self):
        return self._form_class

    def params(self) -> dict:
        """The cleaned parameters therapists.search takes (call is_valid() first),
        with every technique's id for the location bits, already loaded here."""
        return {**self.form.cleaned_data, "technique_ids": self.technique_ids}

    def filter_queryset(self, queryset):
        # One search, whoever asks: the page, explain_search, the FilterSet.
        return search.matches(self.params(), therapists=queryset).therapists

    # --- what the search asked for, in words ---------------------------------
    # These read cleaned parameters: call them only for a valid, bound search.

    def searched(self) -> Searched:
        """What the result cards mark and carry to a profile."""
        cleaned = self.form.cleaned_data
        names = dict(self.filters["condition"].extra["choices"])
        chosen = set(cleaned.get("condition") or ())
        place = ""
        if cleaned.get("near") is not None:
            place = " ".join(self.form.data.get("near", "").split())
        access = set(cleaned.get("access") or ())
        if cleaned.get("accessible"):
            access.add(accessibility.STEP_FREE.code)
        return Searched(
            techniques=frozenset(cleaned.get("technique") or ()),
            conditions=tuple(name for slug, name in names.items() if slug in chosen),
            place=place,
            access=frozenset(access),
            hours=frozenset(cleaned.get("hours") or ()),
            payment=frozenset(cleaned.get("payment") or ()),
            gentle=bool(cleaned.get("gentle")),
            length=pricing.length_of(cleaned),
        )

    def active_filters(self) -> list[Refinement]:
        """One chip per active filter value, each a link to the same search
        without it."""
        return [
            Refinement(words, self._query_without(name, value))
            for name, values in self._active()
            for value, words in values
        ]

    def suggestions(self) -> list[Refinement]:
        """For a search that found nobody: the first wider radius that finds
        someone, and the search without each filter in turn, with how many
        each finds (never one that finds nobody). Counted by the search itself,
        at most RADII_TRIED + FILTERS_TRIED times."""
        params = self.params()
        found = []
        if params.get("near") is not None:
            radius = search.radius_of(params)
            for miles in [m for m in WIDER_RADII if m > radius][:RADII_TRIED]:
                if count := search.count_matches({**params, "radius": miles}):
                    query = self._query_without("radius", radius=str(miles))
                    label = f"Widen to {miles} miles"
                    found.append(Refinement(label, query, therapists_found(count)))
                    break
        for name, values in self._active()[:FILTERS_TRIED]:
            if count := search.count_matches({**params, name: None}):
                if len(values) == 1:
                    label = f"Without “{values[0][1]}”"
                else:
                    label = ANY_WORDS[name]
                query = self._query_without(name)
                found.append(Refinement(label, query, therapists_found(count)))
        return found

    def _active(self) -> list[tuple[str, list[tuple[str | None, str]]]]:
        """The active filters in the panel's order: (parameter, [(value, words)]),
        the value None when the chip drops the whole parameter."""
        cleaned = self.form.cleaned_data
        active = []
        for name in FILTER_ORDER:
            value = cleaned.get(name)
            if value in search.EMPTY_VALUES:
                continue
            if name in LIST_FILTERS:
                names = dict(self.filters[name].extra["choices"])
                active.append((name, [(slug, names[slug]) for slug in value]))
                continue
            if name in FLAG_WORDS:
                words = FLAG_WORDS[name]
            elif name == "q":
                words = f"“{value}”"
            elif name == "min_rating":
                words = f"Rated {number_words(value)} or more"
            elif name == "min_verified_rating":
                words = f"Verified clients rate {number_words(value)} or more"
            elif name == "min_reviews":
                words = f"At least {value:,.0f} review{'' if value == 1 else 's'}"
            elif name == "max_price":
                words = f"Up to ${number_words(value)}"
                if cleaned.get("length"):
                    words += f" for {cleaned['length']} min"
            elif name == "length":
                words = f"Offers {value}-minute sessions"
            elif name == "gender":
                words = f"{Therapist.Gender(value).label} therapist"
            else:
                words = f"Speaks {dict(LANGUAGE_CHOICES)[value]}"
            active.append((name, [(None, words)]))
        return active

    def _query_without(
        self, name: str, value: str | None = None, **replace: str
    ) -> str:
        """This search's query string without parameter `name` (or only its
        `value`), with `replace` set, from the first page, empty fields left out."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data.pop("page", None)
        if value is None:
            data.pop(name, None)
        else:
            data.setlist(name, [v for v in data.getlist(name) if v != value])
        for key, new in replace.items():
            data[key] = new
        pairs = [(key, v) for key, values in data.lists() for v in values if v]
        return f"?{urlencode(pairs)}" if pairs else ""


class SharedFields(dict):
    """A form class's fields, which its forms share instead of deep-copying
    them each (Form.__init__() does, for forms that change their fields):
    nothing changes the search form's fields once _shaped() built them."""

    def __deepcopy__(self, memo):
        return dict(self)


@dataclass(frozen=True)
class Shaped:
    """What a state of the taxonomies makes of TherapistFilter: its filters,
    with the techniques and conditions as choices, and its form class."""

    filters: dict
    technique_ids: dict
    form_class: type


_SHAPED: dict[tuple, Shaped] = {}


def _shaped(filterset_class, rows: tuple) -> Shaped:
    """The filters and form class for the taxonomies' (kind, id, slug, name,
    position) `rows`: built on a process's first search and again only when
    the taxonomies change (only the latest state is kept)."""
    key = (filterset_class, rows)
    found = _SHAPED.get(key)
    if found is not None:
        return found
    filters = copy.deepcopy(filterset_class.base_filters)
    model = filterset_class._meta.model
    for filter_ in filters.values():
        filter_.model = model
    choices = {"technique": [], "condition": []}
    technique_ids = {}
    for kind, pk, slug, name, _ in rows:
        choices[kind].append((slug, name))
        if kind == "technique":
            technique_ids[slug] = pk
    for name, options in choices.items():
        filters[name].extra["choices"] = options
    form_class = type(
        f"{filterset_class.__name__}Form",
        (filterset_class._meta.form,),
        {name: filter_.field for name, filter_ in filters.items()},
    )
    form_class.base_fields = SharedFields(form_class.base_fields)
    found = Shaped(filters, technique_ids, form_class)
    _SHAPED.clear()
    _SHAPED[key] = found
    return found
