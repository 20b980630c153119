from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
)
from django.template.loader import render_to_string

from accounts.throttling import LockoutMessageMixin
from clinicians.models import Clinician
from core.notifications import notify
from therapists.models import US_STATES


class SignUpForm(BaseUserCreationForm):
    """Sign up with an email address (it becomes the username), as a client or a
    therapist. Django's BaseUserCreationForm checks the two passwords and runs
    the password validators; the account stays inactive until the address is
    confirmed."""

    ROLE_CHOICES = [
        ("client", "I'm looking for a massage therapist"),
        ("therapist", "I'm a massage therapist and want to be listed"),
    ]
    error_messages = {"password_mismatch": "The two passwords are different."}

    role = forms.ChoiceField(
        label="I am signing up because", choices=ROLE_CHOICES, widget=forms.RadioSelect
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta(BaseUserCreationForm.Meta):
        model = get_user_model()
        fields = ["first_name", "last_name", "email"]
        labels = {"email": "Email"}
        field_classes = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        # The address doubles as the username, which holds 150 characters.
        if len(email) > 150:
            raise forms.ValidationError(
                "Use an email address of at most 150 characters.", code="too_long"
            )
        users = get_user_model().objects
        if (
            users.filter(email__iexact=email).exists()
            or users.filter(username__iexact=email).exists()
        ):
            raise forms.ValidationError(
                "An account with this email already exists. Log in, or reset your "
                "password if you have forgotten it.",
                code="duplicate_email",
            )
        return email

    def validate_password_for_user(self, user, password_field_name="password1"):  # noqa: S107
        # The validators' advice belongs next to the password, not its repeat.
        super().validate_password_for_user(user, password_field_name)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.username = self.cleaned_data["email"]
        # Inactive until the email address is confirmed.
        user.is_active = False
        if commit:
            user.save()
        return user


class ClinicianSignUpForm(SignUpForm):
    """Sign up as a clinician who recommends therapists: the account, as any
    sign-up, and who they are and where they practise. Their licence is
    submitted once the address is confirmed."""

    role = None
    display_name = forms.CharField(
        label="Your name as patients know you",
        max_length=120,
        help_text="For example “Dr. Maya Chen” or “Sam Ortiz, DPT”.",
    )
    profession = forms.ChoiceField(
        label="Profession",
        choices=[("", "Choose…"), *Clinician.Profession.choices],
        error_messages={"required": "Choose your profession."},
    )
    practice_name = forms.CharField(label="Practice or clinic", max_length=160)
    city = forms.CharField(label="City", max_length=80)
    state = forms.ChoiceField(
        label="State",
        choices=[("", "Choose…"), *US_STATES],
        error_messages={"required": "Choose the state where you practise."},
    )

    field_order = [
        "first_name",
        "last_name",
        "display_name",
        "profession",
        "practice_name",
        "city",
        "state",
        "email",
        "password1",
        "password2",
    ]

    def clinician(self, user) -> Clinician:
        """The clinician profile for the new `user`, unsaved."""
        cleaned = self.cleaned_data
        return Clinician(
            user=user,
            display_name=cleaned["display_name"].strip(),
            profession=cleaned["profession"],
            practice_name=cleaned["practice_name"].strip(),
            city=cleaned["city"].strip(),
            state=cleaned["state"],
        )


class EmailLoginForm(LockoutMessageMixin, AuthenticationForm):
    """Log in with the email address (stored as the username)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That email and password do not match an active account. If you "
            "signed up recently, confirm your email address first."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget.attrs["autocomplete"] = "email"

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class StaffLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    """The admin's log-in, with the same lockout message as the site's."""


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, its mail sent by the task worker like every
    other (core.notifications): the page never waits on the mail server."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        notify(
            subject=subject,
            body=render_to_string(email_template_name, context),
            to=to_email,
        )


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label="Email")


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand that my account, profile, files and reviews are deleted "
        "for good."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That is not your current password.", code="wrong_password"
            )
        return password
