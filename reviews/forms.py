import datetime

from django import forms
from django.utils import timezone

from reviews.models import (
    ASPECTS,
    SESSION_RECORD_DAYS,
    Review,
    ReviewReport,
    ReviewResponse,
)
from reviews.sessions import clients_of, date_problem
from therapists.models import Condition

STARS = [(n, f"{n} star{'s' if n > 1 else ''}") for n in range(5, 0, -1)]
MODERATE_OWN = "You cannot moderate a review of your own profile or one you wrote."
# Fields whose range both a validator and a CheckConstraint on Review check.
RANGE_CHECKED_FIELDS = (*ASPECTS, "rating", "sessions")


class ReviewForm(forms.ModelForm):
    """A client's review. The hourly limit is checked when it is written
    (reviews.writing.submit_review()), inside the write's lock, where posts that
    arrive at the same moment cannot all pass it."""

    class Meta:
        model = Review
        fields = [
            "rating",
            "pain_relief",
            "communication",
            "technique",
            "professionalism",
            "condition",
            "sessions",
            "would_recommend",
            "title",
            "body",
        ]
        labels = {
            "rating": "Overall",
            "title": "Title",
            "body": "Your review",
            "would_recommend": "I would recommend this therapist to a friend",
        }
        widgets = {
            "rating": forms.RadioSelect(choices=STARS),
            "pain_relief": forms.RadioSelect(choices=STARS),
            "communication": forms.RadioSelect(choices=STARS),
            "technique": forms.RadioSelect(choices=STARS),
            "professionalism": forms.RadioSelect(choices=STARS),
            "body": forms.Textarea(attrs={"rows": 7, "maxlength": 4000}),
            "title": forms.TextInput(attrs={"maxlength": 120}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].queryset = Condition.objects.all()
        self.fields["condition"].empty_label = "Choose what you came for…"
        self.fields["condition"].required = True
        self.fields["sessions"].widget.attrs.update(min=1, max=500)

    def _get_validation_exclusions(self):
        # `condition` was just loaded by its ModelChoiceField; the model's
        # foreign-key check would query for it again.
        return super()._get_validation_exclusions() | {"condition"}

    def validate_constraints(self):
        # The model's check constraints repeat its fields' validators (1 to 5
        # stars, at least one session), which full_clean() has just run; a
        # check constraint is validated by a database query each. The database
        # still enforces them, and any other constraint is validated as usual.
        exclude = self._get_validation_exclusions() | set(RANGE_CHECKED_FIELDS)
        try:
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 4:
            raise forms.ValidationError(
                "Give your review a short title (at least 4 characters).",
                code="title_short",
            )
        return title

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) < 40:
            raise forms.ValidationError(
                "Tell other clients a little more: at least 40 characters "
                f"(you have {len(body)}).",
                code="body_short",
            )
        return body


class ReportForm(forms.ModelForm):
    class Meta:
        model = ReviewReport
        fields = ["reason", "details"]
        labels = {"reason": "What is wrong with this review?", "details": "Details"}
        widgets = {
            "reason": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }


class ResponseForm(forms.ModelForm):
    class Meta:
        model = ReviewResponse
        fields = ["body"]
        labels = {"body": "Your public response"}
        widgets = {"body": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) < 10:
            raise forms.ValidationError(
                "Write at least 10 characters.", code="response_short"
            )
        return body


class ReviewAdminForm(forms.ModelForm):
    """Staff's form in the admin (its fields are the admin's): nobody adds a
    review of themselves or moves one onto their own profile. `user` is the
    staff member, set by ReviewAdmin.get_form()."""

    user = None

    def clean(self):
        cleaned = super().clean()
        therapist, author = cleaned.get("therapist"), cleaned.get("author")
        if self.user is not None and self.user.pk in (
            therapist and therapist.user_id,
            author and author.pk,
        ):
            raise forms.ValidationError(MODERATE_OWN, code="own_review")
        return cleaned


class ModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("publish", "Publish"), ("remove", "Remove")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason (the author sees it)",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewListForm(forms.Form):
    """Filter and sort the reviews on a profile
    (`?condition=...&sort=...&reviews=verified`)."""

    condition = forms.ChoiceField(required=False, label="People with")
    # Shown as two links (all, verified only), not as a field of the form.
    reviews = forms.ChoiceField(
        choices=[("", "All reviews"), ("verified", "Verified clients only")],
        required=False,
    )
    sort = forms.ChoiceField(
        choices=[
            ("newest", "Newest"),
            ("helpful", "Most helpful"),
            ("highest", "Highest rated"),
            ("lowest", "Lowest rated"),
        ],
        required=False,
        label="Sort reviews by",
    )

    def __init__(self, *args, conditions=(), **kwargs):
        """`conditions`: every condition a reviewer may have come for (loaded)."""
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = [
            ("", "All conditions"),
            *((condition.slug, condition.name) for condition in conditions),
        ]


class SessionRecordForm(forms.Form):
    """A client's "I had a session on <date>" (reviews.sessions)."""

    session_date = forms.DateField(
        label="Date of the session",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date of the session.",
            "invalid": "Enter the date as year-month-day, such as 2026-03-14.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        earliest = today - datetime.timedelta(days=SESSION_RECORD_DAYS)
        self.fields["session_date"].widget.attrs.update(
            min=earliest.isoformat(), max=today.isoformat()
        )

    def clean_session_date(self):
        day = self.cleaned_data["session_date"]
        if problem := date_problem(day):
            raise forms.ValidationError(problem, code="date_out_of_range")
        return day


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class TherapistSessionForm(SessionRecordForm):
    """A therapist's "I had a session with <client> on <date>": clients whose
    request to ask before booking they accepted."""

    client = ClientChoiceField(
        queryset=None,
        label="Client",
        empty_label="Choose a client…",
        error_messages={
            "required": "Choose the client you saw.",
            "invalid_choice": "Choose a client from the list.",
        },
    )
    field_order = ["client", "session_date"]

    def __init__(self, *args, therapist, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients_of(therapist)
