"""The weekly hours and next opening forms (the dashboard's hours page, and the
admin's inline): every rule of therapists.availability reported next to the
field it is about."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone

from therapists import availability
from therapists.models import OpeningHours, Therapist

# A week of ranges is plenty at four a day.
MAX_RANGES = 28
# A next opening further ahead than this is a typo, not a plan.
NEXT_OPENING_MAX_DAYS = 366

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        widgets = {"opens": TIME_INPUT, "closes": TIME_INPUT}
        error_messages = {
            "weekday": {
                "required": "Choose the day.",
                "invalid_choice": "Choose a day from the list.",
            },
            "opens": {
                "required": "Enter the opening time, such as 09:00.",
                "invalid": "Enter the opening time as hours and minutes, e.g. 09:00.",
            },
            "closes": {
                "required": "Enter the closing time, such as 17:30.",
                "invalid": "Enter the closing time as hours and minutes, e.g. 17:30.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weekday"].choices = [("", "Choose a day"), *availability.WEEKDAYS]

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens"), cleaned.get("closes")
        if opens and closes and closes <= opens:
            self.add_error(
                "closes",
                ValidationError(
                    "The closing time must be after the opening time. For hours "
                    "past midnight, close at 23:59 and add the rest to the next day.",
                    code="closes_before_opens",
                ),
            )
        return cleaned


class BaseOpeningHoursFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this range"

    def clean(self):
        """No two ranges on one day overlap: the later one is marked."""
        super().clean()
        forms_of = {}
        for form in self.forms:
            # An empty new row is no range; a stored row counts, changed or not.
            if (
                (form.instance.pk is None and not form.has_changed())
                or self._should_delete_form(form)
                or form.errors
                or form.cleaned_data.get("weekday") is None
            ):
                continue
            data = form.cleaned_data
            hours = availability.Range(
                int(data["weekday"]), data["opens"], data["closes"]
            )
            forms_of.setdefault(hours, []).append(form)
        for twins in forms_of.values():
            for twin in twins[1:]:
                twin.add_error(
                    "opens",
                    ValidationError(
                        "This range is listed twice: remove one of them.",
                        code="duplicate_range",
                    ),
                )
        for earlier, later in availability.overlapping(forms_of):
            day = dict(availability.WEEKDAYS)[later.weekday]
            forms_of[later][0].add_error(
                "opens",
                ValidationError(
                    "This overlaps %(day)s %(other)s: change one of them so "
                    "they do not overlap, or make them one range.",
                    code="overlapping_ranges",
                    params={"day": day, "other": earlier.words},
                ),
            )


OpeningHoursFormSet = inlineformset_factory(
    Therapist,
    OpeningHours,
    form=OpeningHoursForm,
    formset=BaseOpeningHoursFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_RANGES,
    validate_max=True,
    # Never build more forms than that, whatever TOTAL_FORMS a POST declares.
    absolute_max=MAX_RANGES + 4,
)


class NextOpeningForm(forms.ModelForm):
    """The next opening the therapist states; saving it confirms it today."""

    class Meta:
        model = Therapist
        fields = ["next_opening_on"]
        labels = {"next_opening_on": "Your next opening for a new client"}
        help_texts = {
            "next_opening_on": (
                "Clients see it with the day you confirmed it, for 14 days. "
                "Leave it empty if you would rather they ask you."
            )
        }
        widgets = {
            "next_opening_on": forms.DateInput(
                attrs={"type": "date"}, format="%Y-%m-%d"
            )
        }
        error_messages = {
            "next_opening_on": {
                "invalid": "Enter a date, such as 2026-12-01.",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stated = self.instance.next_opening_on
        if stated is not None and stated < timezone.localdate():
            # A date that has passed is not offered again: the field starts
            # empty, so saving the week does not trip over it.
            self.initial["next_opening_on"] = None

    def clean_next_opening_on(self):
        day = self.cleaned_data.get("next_opening_on")
        today = timezone.localdate()
        if day is not None and day < today:
            raise ValidationError(
                "That date has passed: enter today or a later date, or leave it empty.",
                code="in_the_past",
            )
        if day is not None and day > today + datetime.timedelta(
            days=NEXT_OPENING_MAX_DAYS
        ):
            raise ValidationError(
                "Enter a date within the next year.", code="too_far_ahead"
            )
        return day

    def save(self, commit=True):
        therapist = super().save(commit=False)
        # Saving the page is the therapist stating it again today.
        therapist.next_opening_confirmed_on = (
            timezone.localdate() if therapist.next_opening_on else None
        )
        if commit:
            therapist.save(
                update_fields=[
                    "next_opening_on",
                    "next_opening_confirmed_on",
                    "updated_at",
                ]
            )
        return therapist
