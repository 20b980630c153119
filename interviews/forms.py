from django import forms

from interviews.models import (
    MESSAGE_MAX,
    STANDARD_QUESTIONS,
    HealthNote,
    InterviewRequest,
)
from interviews.safety import RED_FLAGS, RedFlag, flags_answered_yes

YES_NO = [("yes", "Yes"), ("no", "No")]


class SafetyScreenForm(forms.Form):
    """The red flags, each answered yes or no, neither chosen beforehand. Never
    saved: the view shows the advice for any "yes" (interviews.safety)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for flag in RED_FLAGS:
            self.fields[flag.name] = forms.ChoiceField(
                label=flag.question,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Answer yes or no.",
                    "invalid_choice": "Answer yes or no.",
                },
            )

    def answered(self) -> bool:
        """Whether the data holds an answer to any of the questions."""
        return self.is_bound and any(name in self.data for name in self.fields)

    def red_flags(self) -> list[RedFlag]:
        """The flags answered "yes"; call after is_valid()."""
        return flags_answered_yes(self.cleaned_data)


class InterviewRequestForm(forms.ModelForm):
    """A client's request, with the health notes they agree to pass on. The caps
    on open requests are checked when it is sent
    (interviews.writing.send_request()), inside the write's lock."""

    own_question = forms.CharField(
        label="Your own question (optional)", max_length=300, required=False
    )
    # Declared here, not generated from the model: the model's field would add
    # an empty choice, shown as a third radio button already selected.
    contact_method = forms.ChoiceField(
        label=InterviewRequest._meta.get_field("contact_method").verbose_name,
        choices=InterviewRequest.Contact.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose email or phone, so the therapist knows how to "
            "reach you if they accept.",
            "invalid_choice": "Choose email or phone.",
        },
    )
    health_notes = forms.MultipleChoiceField(
        label="Things a therapist must know",
        choices=HealthNote.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose only from the list."},
    )
    share_health_notes = forms.BooleanField(required=False)
    # Proof of a clean red-flag screen (interviews.safety); checked by the view.
    screen_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = InterviewRequest
        fields = [
            "pain_where",
            "pain_since",
            "past_treatments",
            "concerns",
            "contact_method",
            "phone",
            "health_notes",
        ]
        labels = {"phone": "Phone number (only if you prefer a call)"}
        widgets = {
            "past_treatments": forms.Textarea(attrs={"rows": 3, "maxlength": 1500}),
            "concerns": forms.Textarea(attrs={"rows": 3, "maxlength": 1500}),
        }

    def __init__(self, *args, therapist, **kwargs):
        super().__init__(*args, **kwargs)
        self.therapist = therapist
        self.fields[
            "share_health_notes"
        ].label = f"Pass these on to {therapist.display_name}"
        for index, text in enumerate(STANDARD_QUESTIONS):
            self.fields[f"question_{index}"] = forms.CharField(
                label=f"Question {index + 1}",
                initial=text,
                max_length=300,
                required=False,
            )

    def question_fields(self):
        return [self[f"question_{i}"] for i in range(len(STANDARD_QUESTIONS))]

    def questions(self) -> list[str]:
        asked = [
            " ".join(self.cleaned_data.get(f"question_{i}", "").split())
            for i in range(len(STANDARD_QUESTIONS))
        ]
        asked.append(" ".join(self.cleaned_data.get("own_question", "").split()))
        return [question for question in asked if question]

    def clean_health_notes(self) -> list[str]:
        ticked = set(self.cleaned_data["health_notes"])
        return [value for value in HealthNote.values if value in ticked]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("health_notes") and not cleaned.get("share_health_notes"):
            # Never dropped silently: the client decides, one way or the other.
            self.add_error(
                "share_health_notes",
                forms.ValidationError(
                    f"You ticked health notes: tick “Pass these on to "
                    f"{self.therapist.display_name}” to send them, or untick "
                    "them to send your questions without them.",
                    code="consent_required",
                ),
            )
        if not self.questions():
            raise forms.ValidationError(
                "Ask at least one question.", code="no_questions"
            )
        if (
            cleaned.get("contact_method") == "phone"
            and not cleaned.get("phone")
            and not self.has_error("phone")
        ):
            self.add_error(
                "phone",
                forms.ValidationError(
                    "Give a phone number, or choose email.", code="phone_required"
                ),
            )
        return cleaned


class AnswerForm(forms.Form):
    """The therapist's decision first, then one answer per question."""

    decision = forms.ChoiceField(
        label="Accept or decline",
        choices=[
            (
                InterviewRequest.Status.ACCEPTED,
                "Accept: share contact details so we can arrange a session",
            ),
            (InterviewRequest.Status.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you accept or decline."},
    )
    message = forms.CharField(
        label="Message to the client",
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1500}),
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text,
                max_length=2000,
                initial=question.answer,
                widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
                error_messages={"required": "Answer this question."},
            )

    def answer_fields(self):
        return [self[f"answer_{question.pk}"] for question in self.questions]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(
            "decision"
        ) == InterviewRequest.Status.DECLINED and not cleaned.get("message"):
            self.add_error(
                "message",
                forms.ValidationError(
                    "Tell the client briefly why, and where else they might look.",
                    code="decline_message",
                ),
            )
        return cleaned


class AbuseReportForm(forms.Form):
    reason = forms.CharField(
        label="What happened?", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class MessageForm(forms.Form):
    """A reply in the conversation's thread."""

    body = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX}),
        error_messages={
            "required": "Write a message before sending.",
            "max_length": "Keep your message to %(limit_value)d characters "
            "(it has %(show_value)d).",
        },
    )
