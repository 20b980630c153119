from django import forms
from django.core.exceptions import ValidationError

from corrections.models import DETAIL_MAX_LENGTH, NOTE_MAX_LENGTH, Report


class ReportForm(forms.ModelForm):
    # Hidden from people (the template's `hidden` wrapper); a bot that fills
    # every field fills this one too, and its report is dropped.
    website = forms.CharField(required=False, label="Leave this empty")

    class Meta:
        model = Report
        fields = ["reason", "detail", "email"]
        labels = {
            "reason": "What is wrong?",
            "detail": "What should it say? (needed for “Something else”)",
            "email": "Your email, if you would like to hear back (optional)",
        }
        help_texts = {
            "email": "Only our staff see it. We never pass it to the therapist.",
        }
        widgets = {
            "reason": forms.RadioSelect,
            "detail": forms.Textarea(attrs={"rows": 4, "maxlength": DETAIL_MAX_LENGTH}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "reason": {
                "required": "Choose what is wrong.",
                "invalid_choice": "Choose what is wrong from the list.",
            },
            "detail": {
                "max_length": f"Keep this under {DETAIL_MAX_LENGTH} characters.",
            },
            "email": {"invalid": "Enter an email address like name@example.org."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radios need no "---------" choice: none ticked says the same.
        self.fields["reason"].choices = Report.Reason.choices

    @property
    def is_spam(self) -> bool:
        """Whether the hidden field was filled in (call is_valid() first)."""
        return bool(self.cleaned_data.get("website"))

    def clean_detail(self):
        return self.cleaned_data["detail"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == Report.Reason.OTHER and not cleaned.get("detail"):
            self.add_error(
                "detail",
                ValidationError(
                    "Say what is wrong when you choose “Something else”.",
                    code="detail_required",
                ),
            )
        return cleaned

    def validate_constraints(self):
        # clean() already reports the missing detail next to its field.
        if not self.has_error("detail"):
            super().validate_constraints()


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Report.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an outcome.",
            "invalid_choice": "Choose an outcome from the list.",
        },
    )
    note = forms.CharField(
        label="Note (what you found or changed; sent to the therapist if you ask "
        "them to fix it)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
        error_messages={
            "max_length": f"Keep the note under {NOTE_MAX_LENGTH} characters."
        },
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == Report.Outcome.ASKED
            and not (cleaned.get("note") or "").strip()
        ):
            self.add_error(
                "note",
                ValidationError(
                    "Tell the therapist what to check or fix.", code="note_required"
                ),
            )
        return cleaned
