from django import forms
from django.utils.http import urlencode

from shortlist.comparison import COMPARE_MAX, COMPARE_MIN, PLACE_MAX_LENGTH, find_place
from therapists.geocoding import PlaceNotFound


class CompareForm(forms.Form):
    """Which therapists on the shortlist to compare, and an optional place to
    measure distances from."""

    t = forms.MultipleChoiceField(
        label="Tick two to four therapists to compare",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least two therapists to compare.",
            "invalid_choice": (
                "One of the therapists you ticked is no longer on your shortlist. "
                "Tick two to four from the list below."
            ),
        },
    )
    near = forms.CharField(
        label="Near (optional, to show distances)",
        required=False,
        max_length=PLACE_MAX_LENGTH,
        help_text="A ZIP code, or a city and state such as Brooklyn, NY.",
        error_messages={
            "max_length": (
                f"Keep the place to {PLACE_MAX_LENGTH} characters: a ZIP code, "
                "or a city and state such as Brooklyn, NY."
            ),
            "null_characters_not_allowed": (
                "Type a ZIP code, or a city and state such as Brooklyn, NY."
            ),
        },
    )

    def __init__(self, *args, therapists, **kwargs):
        super().__init__(*args, **kwargs)
        self.therapists = list(therapists)
        self.fields["t"].choices = [(t.slug, t.display_name) for t in self.therapists]

    def picks(self):
        """Each therapist beside their checkbox, in shortlist order."""
        return list(zip(self["t"], self.therapists, strict=True))

    def clean_t(self) -> list[str]:
        chosen = list(dict.fromkeys(self.cleaned_data["t"]))
        if len(chosen) < COMPARE_MIN:
            raise forms.ValidationError(
                "Tick at least two therapists to compare (you ticked one).",
                code="too_few",
            )
        if len(chosen) > COMPARE_MAX:
            raise forms.ValidationError(
                f"You can compare up to four at a time, and you ticked "
                f"{len(chosen)}. Untick {len(chosen) - COMPARE_MAX} and try again.",
                code="too_many",
            )
        return chosen

    def clean_near(self) -> str:
        near = " ".join(self.cleaned_data["near"].split())
        if not near:
            return ""
        try:
            _, place = find_place(near)
        except PlaceNotFound:
            raise forms.ValidationError(
                f"We could not find “{near}”. Try a five-digit ZIP code, or a city "
                "and state such as Brooklyn, NY.",
                code="unknown_place",
            ) from None
        return place

    def query(self) -> str:
        """The comparison's query string: the slugs ticked and the place."""
        pairs = [("t", slug) for slug in self.cleaned_data["t"]]
        near = self.cleaned_data["near"]
        return urlencode(pairs + ([("near", near)] if near else []))
