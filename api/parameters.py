"""The search endpoint's query parameters: the search page's own
(TherapistFilter, which validates them), read the way an API client writes
them, and described for the OpenAPI document from the same FilterSet.

On/off filters take what the page's checkboxes send (`on`) and also
true/false, 1/0 and yes/no; anything else is a 400, where the page's checkbox
would have taken any value as ticked. `page` is a whole number from 1; a page
past the last shows the last page, as on the search page.
"""

import django_filters
from django import forms
from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter

from reviews.forms import ReviewListForm
from therapists import accessibility, availability, payment, pricing
from therapists.filters import (
    CheckboxFilter,
    TherapistFilter,
    TherapistSearchForm,
)
from therapists.models import LANGUAGE_CHOICES, Therapist
from therapists.pagination import MAX_PAGE
from therapists.ranking import Sort
from therapists.search import DEFAULT_RADIUS_MILES, MAX_RADIUS_MILES

TRUE = ("on", "true", "1", "yes")
FALSE = ("", "off", "false", "0", "no")
FLAG_ERROR = "Use true or false (on, 1 and 0 work too)."
PAGE_ERROR = "Enter a page number: a whole number from 1."
# What the on/off filters are: the FilterSet's checkboxes.
FLAGS = tuple(
    name
    for name, f in TherapistFilter.base_filters.items()
    if isinstance(f, CheckboxFilter)
)


# The whole-number filters (a NumberFilter without decimal places).
WHOLE = tuple(
    name
    for name, f in TherapistFilter.base_filters.items()
    if isinstance(f, django_filters.NumberFilter) and f.extra.get("decimal_places") == 0
)


def read_flags(query: QueryDict) -> tuple[QueryDict, dict[str, list[str]]]:
    """The query with each on/off filter as the page's checkbox sends it
    (`on`, or absent), and the messages for those that are neither. A whole
    number written with a zero fraction ("12.0", an integer to JSON Schema)
    is read as the whole number."""
    data = query.copy()
    errors = {}
    for name in WHOLE:
        whole, point, fraction = data.get(name, "").strip().partition(".")
        if point and whole.isdigit() and set(fraction) <= {"0"}:
            data[name] = whole
    for name in FLAGS:
        if name not in data:
            continue
        value = data.get(name, "").strip().lower()
        if value in TRUE:
            data[name] = "on"
        elif value in FALSE:
            del data[name]
        else:
            errors[name] = [FLAG_ERROR]
    return data, errors


def read_page(query: QueryDict) -> tuple[int, dict[str, list[str]]]:
    """The page asked for (1 when absent or empty), and a message when it is
    not a whole number from 1 (read as Django reads the page's `radius`)."""
    field = forms.IntegerField(
        min_value=1,
        required=False,
        error_messages=dict.fromkeys(("invalid", "min_value"), PAGE_ERROR),
    )
    try:
        number = field.clean(query.get("page", "").strip())
    except forms.ValidationError as error:
        return 1, {"page": error.messages}
    # Past the furthest page counted, the search shows its last page anyway.
    return min(number or 1, MAX_PAGE), {}


def form_errors(form) -> dict[str, list[str]]:
    """A form's errors as {field: [message, ...]} (the page's own words)."""
    return {
        "non_field_errors" if name == "__all__" else name: [
            error["message"] for error in errors
        ]
        for name, errors in form.errors.get_json_data().items()
    }


# The values of each coded parameter, with their words: (code, label, description).
CODED = {
    "access": [(i.code, i.label, i.description) for i in accessibility.ITEMS],
    "hours": [(k.code, k.label, k.description) for k in availability.HOURS.items],
    "payment": [(i.code, i.label, i.check) for i in payment.ITEMS],
    "lengths": [(code, label, "") for code, label in pricing.LENGTH_CHOICES],
    "languages": [(code, str(label), "") for code, label in LANGUAGE_CHOICES],
    "genders": [(code, str(label), "") for code, label in Therapist.Gender.choices],
    "sorts": [(code, str(label), "") for code, label in Sort.choices],
}


# --- the OpenAPI description ---------------------------------------------
DESCRIPTIONS = {
    "q": "Words to find in the name, headline, bio, techniques, conditions or "
    "city (each word as a prefix).",
    "near": "A 5-digit US ZIP code or `City, ST`. Adds `distance_miles` to each "
    "result and closeness to the best match.",
    "radius": f"Miles around `near` (default {DEFAULT_RADIUS_MILES}).",
    "technique": "Any of these techniques (slugs from /api/v1/techniques/).",
    "condition": "Treats any of these conditions (slugs from /api/v1/conditions/).",
    "access": "Every one of these accessibility items holds (/api/v1/access/).",
    "hours": "Open during every one of these (/api/v1/hours/).",
    "payment": "Every one of these ways to pay holds (/api/v1/payment/).",
    "length": "Offers a session of this many minutes; prices and `max_price` are "
    "for it (/api/v1/lengths/).",
    "gender": "The therapist's gender, as they describe themselves (/api/v1/genders/).",
    "language": "Works in this language (/api/v1/languages/).",
    "sort": "The order (/api/v1/sorts/); `distance` needs `near`. Default: best match.",
    "page": "The page, 20 results each. A page past the last gives the last page.",
}
FLAG_DESCRIPTION = (
    " On/off: `on` (what the search page sends), `true`, `1` or `yes`; `off`, "
    "`false`, `0`, `no`, empty or absent for off."
)


def or_empty(schema: dict) -> dict:
    """The schema, or an empty value: the search page's form sends its empty
    fields (`?q=&min_rating=`), which mean "any", as if absent."""
    if "enum" in schema:
        return {**schema, "enum": list(dict.fromkeys([*schema["enum"], ""]))}
    if schema["type"] == "string":
        return schema
    return {"anyOf": [schema, {"type": "string", "maxLength": 0}]}


def search_parameters() -> list[OpenApiParameter]:
    """Every search parameter, typed and bounded as TherapistFilter checks it."""
    form_fields = TherapistSearchForm.base_fields
    described = []
    for name in [*TherapistSearchForm.field_order, "page"]:
        f = TherapistFilter.base_filters.get(name)
        text = DESCRIPTIONS.get(name, "")
        if f is not None and f.label and not text:
            text = str(f.label) + "."
        many = False
        if name == "page":
            schema = {"type": "integer", "minimum": 1}
        elif name == "radius":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_RADIUS_MILES}
        elif name == "sort":
            schema = {
                "type": "string",
                "enum": [value for value, _ in form_fields["sort"].choices],
            }
        elif isinstance(f, CheckboxFilter):
            schema = {"type": "string", "enum": [*TRUE, *FALSE[1:], ""]}
            text += FLAG_DESCRIPTION
        elif isinstance(f, django_filters.MultipleChoiceFilter):
            many = True
            items = {"type": "string"}
            if f.extra.get("choices"):
                items["enum"] = [value for value, _ in f.extra["choices"]]
            schema = {"type": "array", "items": items}
        elif isinstance(f, django_filters.ChoiceFilter):
            schema = {"type": "string", "enum": [v for v, _ in f.extra["choices"]]}
        elif isinstance(f, django_filters.NumberFilter):
            whole = f.extra.get("decimal_places") == 0
            schema = {"type": "integer" if whole else "number"}
            schema |= {"minimum": f.extra["min_value"], "maximum": f.extra["max_value"]}
        else:
            # Django refuses a NUL in any text field.
            schema = {
                "type": "string",
                "maxLength": f.extra["max_length"],
                "pattern": "^[^\\u0000]*$",
            }
        described.append(
            OpenApiParameter(
                name,
                schema
                if many
                else or_empty(
                    schema
                ),  # a raw schema: drf-spectacular takes it as the type
                location=OpenApiParameter.QUERY,
                required=False,
                description=text,
                explode=True if many else None,
                style="form" if many else None,
            )
        )
    return described


def review_parameters() -> list[OpenApiParameter]:
    """The profile's review filters (reviews.forms.ReviewListForm) and `page`."""
    sorts = [value for value, _ in ReviewListForm.base_fields["sort"].choices]
    described = {
        "condition": (
            {"type": "string"},
            "Only reviews from clients who came for this condition (a slug from "
            "/api/v1/conditions/).",
        ),
        "reviews": (
            {"type": "string", "enum": ["verified"]},
            "`verified`: only reviews from verified clients.",
        ),
        "sort": ({"type": "string", "enum": sorts}, "Default: newest first."),
        "page": (
            {"type": "integer", "minimum": 1},
            "The page, 20 reviews each. A page past the last gives the last page.",
        ),
    }
    return [
        OpenApiParameter(
            name,
            or_empty(schema),
            location=OpenApiParameter.QUERY,
            required=False,
            description=text,
        )
        for name, (schema, text) in described.items()
    ]
