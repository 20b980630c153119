from django import forms

from recommendations.models import STATEMENT_MAX_LENGTH, Recommendation

STATEMENT_MIN_LENGTH = 20


class RecommendationForm(forms.ModelForm):
    """What a clinician says about a therapist: how they know their work. The
    rules on who may recommend whom are recommendations.writing's."""

    class Meta:
        model = Recommendation
        fields = ["statement"]
        labels = {"statement": "How you know their work"}
        help_texts = {
            "statement": (
                "One or two sentences, shown on the therapist's profile with your "
                "name, profession and licence state. For example: “I refer "
                "patients with chronic low back pain to her, and they come back "
                f"moving better.” Up to {STATEMENT_MAX_LENGTH} characters."
            )
        }
        widgets = {"statement": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "statement": {
                "required": "Say how you know their work.",
                "max_length": (
                    f"Keep it to {STATEMENT_MAX_LENGTH} characters "
                    "(this has %(show_value)d)."
                ),
            }
        }

    def clean_statement(self):
        statement = " ".join(self.cleaned_data["statement"].split())
        if len(statement) < STATEMENT_MIN_LENGTH:
            raise forms.ValidationError(
                "Say in a sentence how you know their work, for example how "
                "often you refer patients to them.",
                code="too_short",
            )
        return statement
