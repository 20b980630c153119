"""The therapist's own comfort and consent details (the dashboard shows the form):
the pressure range offered, the options stated, the stop statement and the
draping policy. Words and codes come from therapists.comfort."""

from django import forms
from django.core.exceptions import ValidationError

from therapists import comfort
from therapists.models import Therapist

NOT_STATED = ("", "Not stated")
PRESSURE_ERRORS = {"invalid_choice": "Choose a pressure from the list."}
# The options ticked in one list; the stop statement is its own checkbox, as it
# quotes what the therapist affirms they say.
OPTION_CHOICES = [
    (option.code, option.label)
    for option in (comfort.CLOTHED, comfort.OVER_THE_SHEET, comfort.COMPANION)
]


class ComfortForm(forms.ModelForm):
    options = forms.MultipleChoiceField(
        label="What you offer: tick what holds for every client who asks",
        choices=OPTION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Choose options from the list.",
            "invalid_list": "Choose options from the list.",
        },
    )
    stop_statement = forms.BooleanField(
        label=f"I tell every client: “{comfort.STOP_STATEMENT}”",
        required=False,
    )

    class Meta:
        model = Therapist
        fields = ["pressure_lightest", "pressure_firmest", "draping_policy"]
        labels = {
            "pressure_lightest": "Lightest pressure you offer",
            "pressure_firmest": "Firmest pressure you offer",
            "draping_policy": "Your draping policy (optional)",
        }
        help_texts = {
            "pressure_firmest": "Gentle, light, moderate, firm or deep. Clients "
            "who search for gentle pressure find you when your lightest is gentle.",
            "draping_policy": "In your own words, up to "
            f"{comfort.DRAPING_MAX_LENGTH} characters: how clients are covered and "
            f"what they keep on. For example: “{comfort.DRAPING_SUGGESTION}”",
        }
        error_messages = {
            "pressure_lightest": PRESSURE_ERRORS,
            "pressure_firmest": PRESSURE_ERRORS,
            "draping_policy": {
                "max_length": "Keep your draping policy to "
                f"{comfort.DRAPING_MAX_LENGTH} characters or fewer (it has "
                "%(show_value)d).",
            },
        }
        widgets = {"draping_policy": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("pressure_lightest", "pressure_firmest"):
            self.fields[name].choices = [NOT_STATED, *comfort.PRESSURE_CHOICES]
        codes = comfort.codes_of(self.instance.comfort_bits)
        self.initial.setdefault(
            "options", [code for code in codes if code != comfort.STOP.code]
        )
        self.initial.setdefault("stop_statement", comfort.STOP.code in codes)
        # The range, what is offered, the statement, then the policy in words.
        self.order_fields(
            [
                "pressure_lightest",
                "pressure_firmest",
                "options",
                "stop_statement",
                "draping_policy",
            ]
        )

    def clean_draping_policy(self):
        # Plain text: shown escaped, line breaks kept, Windows ones made plain.
        return self.cleaned_data["draping_policy"].replace("\r\n", "\n").strip()

    def clean(self):
        cleaned = super().clean()
        if self.has_error("pressure_lightest") or self.has_error("pressure_firmest"):
            return cleaned
        lightest = cleaned.get("pressure_lightest")
        firmest = cleaned.get("pressure_firmest")
        if lightest is None and firmest is not None:
            self.add_error(
                "pressure_lightest",
                ValidationError(
                    "Choose the lightest pressure you offer too, or set both to "
                    "“Not stated”.",
                    code="pressure_half_stated",
                ),
            )
        elif firmest is None and lightest is not None:
            self.add_error(
                "pressure_firmest",
                ValidationError(
                    "Choose the firmest pressure you offer too, or set both to "
                    "“Not stated”.",
                    code="pressure_half_stated",
                ),
            )
        elif lightest is not None and lightest > firmest:
            self.add_error(
                "pressure_firmest",
                ValidationError(
                    "The firmest pressure cannot be lighter than the lightest "
                    "(%(lightest)s).",
                    code="pressure_reversed",
                    params={"lightest": comfort.PRESSURE_WORDS[lightest].lower()},
                ),
            )
        return cleaned

    def validate_constraints(self):
        # The rules above report these next to their fields.
        if not (
            self.has_error("pressure_lightest") or self.has_error("pressure_firmest")
        ):
            super().validate_constraints()

    def save(self, commit=True):
        therapist = super().save(commit=False)
        codes = list(self.cleaned_data["options"])
        if self.cleaned_data["stop_statement"]:
            codes.append(comfort.STOP.code)
        therapist.comfort_bits = comfort.mask_of(codes)
        # Saving also confirms the therapist's details, as the profile form
        # does: the view calls therapists.changes.details_confirmed() next.
        if commit:
            therapist.save()
        return therapist
