from django import forms

from interviews.models import MESSAGE_MAX, STANDARD_QUESTIONS, InterviewRequest


class InterviewRequestForm(forms.ModelForm):
    """A client's request. The caps on open requests are checked when it is sent
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

    class Meta:
        model = InterviewRequest
        fields = [
            "pain_where",
            "pain_since",
            "past_treatments",
            "concerns",
            "contact_method",
            "phone",
        ]
        labels = {"phone": "Phone number (only if you prefer a call)"}
        widgets = {
            "past_treatments": forms.Textarea(attrs={"rows": 3, "maxlength": 1500}),
            "concerns": forms.Textarea(attrs={"rows": 3, "maxlength": 1500}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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

    def clean(self):
        cleaned = super().clean()
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
