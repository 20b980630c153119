from django import forms

from therapists.models import Credential

DECISIONS = [
    ("approve", "Approve: the credential is genuine and current"),
    ("reject", "Reject: it could not be confirmed"),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect)
    method = forms.ChoiceField(
        label="How you checked it",
        choices=[("", "Choose…"), *Credential.Method.choices],
        required=False,
    )
    note = forms.CharField(
        label="Reason for your decision (shown to the therapist if you reject)",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approve" and not cleaned.get("method"):
            self.add_error(
                "method",
                forms.ValidationError(
                    "Say how you verified it before approving.", code="method_required"
                ),
            )
        return cleaned


class BulkApproveForm(forms.Form):
    credentials = forms.ModelMultipleChoiceField(
        queryset=Credential.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    method = forms.ChoiceField(
        label="How you checked them", choices=Credential.Method.choices
    )
    note = forms.CharField(label="Note for the record", max_length=300)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credentials"].queryset = queryset
