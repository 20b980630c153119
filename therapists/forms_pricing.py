"""Forms for what a therapist charges and how clients can pay (the dashboard's
prices and payment pages): the rules and words live in therapists.pricing and
therapists.payment."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory

from core.fields import BoundedModelMultipleChoiceField
from therapists import payment, pricing
from therapists.models import AcceptedPlan, InsurancePlan, SessionPackage, Therapist

PRICE_MESSAGE = (
    f"Enter a whole number of dollars from {pricing.PRICE_MIN} to "
    f"{pricing.PRICE_MAX}, or leave it blank if you do not offer it."
)


def plain(message: str, *codes: str) -> dict[str, str]:
    return dict.fromkeys(codes, message)


NUMBER_CODES = ("invalid", "min_value", "max_value", "required")


class PricesForm(forms.ModelForm):
    """The price of each session length, the first-visit assessment, the
    sliding scale and the cancellation policy."""

    # The grid's order: shortest session first.
    PRICE_FIELDS = tuple(pricing.COLUMNS[length] for length in pricing.LENGTHS)

    class Meta:
        model = Therapist
        fields = [
            *(pricing.COLUMNS[length] for length in pricing.LENGTHS),
            "assessment_minutes",
            "assessment_price",
            "sliding_scale",
            "sliding_scale_note",
            "cancellation_notice_hours",
            "cancellation_fee",
        ]
        labels = {
            pricing.COLUMNS[length]: f"{length} minutes ($)"
            for length in pricing.LENGTHS
        } | {
            "assessment_minutes": "Length (minutes)",
            "assessment_price": "Price ($)",
            "sliding_scale": "I offer a sliding scale",
            "sliding_scale_note": "How it works (optional)",
            "cancellation_notice_hours": "Notice needed (hours)",
            "cancellation_fee": "Fee for a late cancellation ($, optional)",
        }
        help_texts = {
            "sliding_scale_note": "For example: “Pay what you can from $60; "
            "no proof of income asked.” Up to 200 characters.",
            "cancellation_notice_hours": "From 0 (cancel any time) to 168 (a "
            "week). Leave blank if you have no policy to state.",
        }
        widgets = {
            name: forms.NumberInput(attrs={"inputmode": "numeric", "min": 1})
            for name in pricing.COLUMNS.values()
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.PRICE_FIELDS:
            self.fields[name].required = False
            self.fields[name].error_messages.update(plain(PRICE_MESSAGE, *NUMBER_CODES))
        self.fields["assessment_minutes"].error_messages.update(
            plain("Enter the assessment's length: 15 to 180 minutes.", *NUMBER_CODES)
        )
        self.fields["assessment_price"].error_messages.update(
            plain("Enter the assessment's price: $0 to $2000.", *NUMBER_CODES)
        )
        self.fields["cancellation_notice_hours"].error_messages.update(
            plain("Enter the notice in hours: 0 to 168 (a week).", *NUMBER_CODES)
        )
        self.fields["cancellation_fee"].error_messages.update(
            plain("Enter the fee: $1 to $2000, or leave it blank.", *NUMBER_CODES)
        )
        self.fields["sliding_scale_note"].error_messages.update(
            plain("Use 200 characters or fewer.", "max_length")
        )

    # The page's groups (templates/dashboard/prices_form.html).
    @property
    def length_fields(self):
        return [self[name] for name in self.PRICE_FIELDS]

    @property
    def assessment_fields(self):
        return [self["assessment_minutes"], self["assessment_price"]]

    @property
    def sliding_scale_fields(self):
        return [self["sliding_scale"], self["sliding_scale_note"]]

    @property
    def cancellation_fields(self):
        return [self["cancellation_notice_hours"], self["cancellation_fee"]]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in self.PRICE_FIELDS) and not any(
            self.has_error(name) for name in self.PRICE_FIELDS
        ):
            self.add_error(
                "session_price",
                ValidationError(
                    "Give the price of at least one session length.",
                    code="no_price",
                ),
            )
        minutes, price = (
            cleaned.get("assessment_minutes"),
            cleaned.get("assessment_price"),
        )
        if minutes is None and price is not None:
            if not self.has_error("assessment_minutes"):
                self.add_error(
                    "assessment_minutes",
                    ValidationError(
                        "Give the assessment's length too, or clear its price.",
                        code="assessment_incomplete",
                    ),
                )
        if price is None and minutes is not None:
            if not self.has_error("assessment_price"):
                self.add_error(
                    "assessment_price",
                    ValidationError(
                        "Give the assessment's price too (0 if free), or clear "
                        "its length.",
                        code="assessment_incomplete",
                    ),
                )
        if (
            cleaned.get("cancellation_fee") is not None
            and cleaned.get("cancellation_notice_hours") is None
            and not self.has_error("cancellation_notice_hours")
        ):
            self.add_error(
                "cancellation_notice_hours",
                ValidationError(
                    "Say how many hours ahead clients must cancel to avoid the fee.",
                    code="fee_without_notice",
                ),
            )
        if not cleaned.get("sliding_scale"):
            cleaned["sliding_scale_note"] = ""
        return cleaned

    def validate_constraints(self):
        # clean() reports these next to their fields.
        if not self.errors:
            super().validate_constraints()


class BasePackageFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            key = (form.cleaned_data.get("sessions"), form.cleaned_data.get("minutes"))
            if None not in key and key in seen:
                form.add_error(
                    "sessions",
                    ValidationError(
                        "You already list a package of this many sessions of "
                        "this length.",
                        code="duplicate_package",
                    ),
                )
            seen.add(key)


class PackageForm(forms.ModelForm):
    class Meta:
        model = SessionPackage
        fields = ["sessions", "minutes", "price"]
        labels = {
            "sessions": "Sessions",
            "minutes": "Minutes each",
            "price": "Price of the package ($)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].error_messages.update(
            plain("Enter 2 to 20 sessions.", *NUMBER_CODES)
        )
        self.fields["minutes"].error_messages.update(
            plain(
                "Choose a session length from the list.", "invalid_choice", "required"
            )
        )
        self.fields["price"].error_messages.update(
            plain("Enter the package's price: $1 to $20000.", *NUMBER_CODES)
        )


PackageFormSet = inlineformset_factory(
    Therapist,
    SessionPackage,
    form=PackageForm,
    formset=BasePackageFormSet,
    extra=pricing.PACKAGES_MAX,
    can_delete=True,
    max_num=pricing.PACKAGES_MAX,
    validate_max=True,
    absolute_max=pricing.PACKAGES_MAX,
)


class PaymentForm(forms.Form):
    """The ways to pay the therapist ticks, and the insurance plans they accept
    (the `insurance` item follows the plans: therapists.changes.plans_changed)."""

    ways = forms.MultipleChoiceField(
        label="Tick what you offer",
        choices=payment.TICKED_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Clients see what you tick; anything unticked shows as "
        "“not stated”, never as a no.",
        error_messages=plain("Choose from the list.", "invalid_choice", "invalid_list"),
    )
    plans = BoundedModelMultipleChoiceField(
        label="Insurance plans you accept",
        queryset=InsurancePlan.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only plans you are in network with, or bill directly. A new "
        "plan is shown as confirmed today; confirm each again when you check it.",
        error_messages=plain(
            "Choose plans from the list.",
            "invalid_choice",
            "invalid_list",
            "invalid_pk_value",
        ),
    )

    def __init__(self, *args, therapist: Therapist, **kwargs):
        super().__init__(*args, **kwargs)
        self.therapist = therapist
        self.fields["ways"].initial = [
            code for code in therapist.payment_codes if code != payment.INSURANCE.code
        ]
        self.fields["plans"].initial = list(
            therapist.accepted_plans.values_list("plan_id", flat=True)
        )

    def save(self, *, today: datetime.date) -> None:
        """Store the ticks and the plans (a new plan confirmed `today`); the
        caller recounts the insurance bit (changes.plans_changed)."""
        therapist = self.therapist
        ticked = payment.mask_of(self.cleaned_data["ways"])
        therapist.payment_bits = (
            therapist.payment_bits & ~payment.TICKED_BITS
        ) | ticked
        therapist.save(update_fields=["payment_bits", "updated_at"])
        chosen = {plan.pk for plan in self.cleaned_data["plans"]}
        therapist.accepted_plans.exclude(plan_id__in=chosen).delete()
        kept = set(therapist.accepted_plans.values_list("plan_id", flat=True))
        AcceptedPlan.objects.bulk_create(
            AcceptedPlan(therapist=therapist, plan_id=pk, confirmed_on=today)
            for pk in sorted(chosen - kept)
        )
