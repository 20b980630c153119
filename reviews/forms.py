import datetime

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from reviews.models import (
    ASPECTS,
    OUTCOMES,
    PEG_ITEMS,
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
RANGE_CHECKED_FIELDS = (*ASPECTS, "rating", "sessions", *OUTCOMES)
NO_PAIN = "0 means no pain, 10 pain as bad as you can imagine."
NO_INTERFERENCE = "0 means it does not interfere, 10 that it completely interferes."


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
            *OUTCOMES,
        ]
        labels = {
            "rating": "Overall",
            "title": "Title",
            "body": "Your review",
            "would_recommend": "I would recommend this therapist to a friend",
            "pain_before": "Your back pain before your first session, from 0 to 10",
            "pain_after": "Your back pain now, from 0 to 10",
            "peg_pain": "In the past week, your pain on average, from 0 to 10",
            "peg_enjoyment": (
                "In the past week, how much pain has interfered with your "
                "enjoyment of life, from 0 to 10"
            ),
            "peg_activity": (
                "In the past week, how much pain has interfered with your "
                "general activity, from 0 to 10"
            ),
        }
        help_texts = {
            "pain_before": NO_PAIN,
            "pain_after": NO_PAIN,
            "peg_pain": NO_PAIN,
            "peg_enjoyment": NO_INTERFERENCE,
            "peg_activity": NO_INTERFERENCE,
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
        for name in OUTCOMES:
            field = self.fields[name]
            field.widget.attrs.update(min=0, max=10, inputmode="numeric")
            field.error_messages.update(
                min_value="Enter a number from 0 to 10.",
                max_value="Enter a number from 0 to 10.",
                invalid="Enter a whole number from 0 to 10.",
            )

    @property
    def main_fields(self) -> list:
        """The review itself: everything but the optional outcome questions."""
        return [field for field in self.visible_fields() if field.name not in OUTCOMES]

    @property
    def outcome_fields(self) -> list:
        """The optional "How has your back pain changed?" questions."""
        return [self[name] for name in OUTCOMES]

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

    def clean(self):
        cleaned = super().clean()
        # A pain score before needs one after (and back): one alone shows no
        # change. Each error goes next to the question left blank.
        before, after = cleaned.get("pain_before"), cleaned.get("pain_after")
        if before is not None and after is None and "pain_after" not in self.errors:
            self.add_error(
                "pain_after",
                forms.ValidationError(
                    "You gave your pain before: give your pain now too, or leave "
                    "both blank.",
                    code="pain_pair",
                ),
            )
        if after is not None and before is None and "pain_before" not in self.errors:
            self.add_error(
                "pain_before",
                forms.ValidationError(
                    "You gave your pain now: give your pain before too, or leave "
                    "both blank.",
                    code="pain_pair",
                ),
            )
        answered = [name for name in PEG_ITEMS if cleaned.get(name) is not None]
        if answered and len(answered) < len(PEG_ITEMS):
            for name in PEG_ITEMS:
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(
                        name,
                        forms.ValidationError(
                            "Answer all three past-week questions, or leave all "
                            "three blank: the score needs all three.",
                            code="peg_incomplete",
                        ),
                    )
        return cleaned

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

    @property
    def chosen(self) -> dict:
        """The valid choices (call is_valid() first): a bad value in one field
        does not throw away the others."""
        return getattr(self, "cleaned_data", {})

    @property
    def verified_only(self) -> bool:
        """Whether only reviews from verified clients are asked for."""
        return self.chosen.get("reviews") == "verified"

    def reviews_of(self, therapist) -> QuerySet:
        """`therapist`'s published reviews these choices ask for, in order."""
        chosen = self.chosen
        return (
            Review.objects.filter(therapist=therapist)
            .for_profile()
            .about(chosen.get("condition") or None)
            .from_verified_clients(self.verified_only)
            .sorted_by(chosen.get("sort") or "newest")
        )

    def page_of(
        self, therapist, page_number: object, per_page: int, *, reviews=None
    ) -> Page:
        """The page of `therapist`'s published reviews these choices ask for,
        for the profile page and the API alike; `reviews`, when given, stands
        for reviews_of(therapist) (the same rows by count() and slicing, as
        the profile's compiled statement: profiles.queries.ReviewRows)."""
        chosen = self.chosen
        if reviews is None:
            reviews = self.reviews_of(therapist)
        paginator = Paginator(reviews, per_page)
        if not chosen.get("condition"):
            # The stored totals count these very reviews: no COUNT query.
            paginator.count = (
                therapist.verified_review_count
                if self.verified_only
                else therapist.rating_count
            )
        return paginator.get_page(page_number)


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
