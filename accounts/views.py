import json

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import (
    LoginView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView, TemplateView, View

from accounts import throttling
from accounts.data import delete_account, personal_data
from accounts.forms import (
    ClinicianSignUpForm,
    DeleteAccountForm,
    EmailLoginForm,
    QueuedPasswordResetForm,
    ResendConfirmationForm,
    SignUpForm,
)
from accounts.tokens import email_confirmation_token
from clinicians.models import Clinician
from core.notifications import notify
from shortlist import session as shortlist
from therapists.models import Therapist


def send_confirmation_email(request, user) -> None:
    """Mail the link once the account is committed; a mail outage is logged,
    never an error: the page after sign-up offers to send the link again."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    link = request.build_absolute_uri(
        reverse("accounts:confirm", kwargs={"uidb64": uid, "token": token})
    )
    context = {"user": user, "link": link}
    notify(
        subject="Confirm your email for Back Care Directory",
        body=render_to_string("accounts/email/confirm.txt", context),
        to=user.email,
    )


@transaction.atomic
def sign_up(*, form: SignUpForm):
    """Create the account and, for a therapist, an unpublished draft profile;
    for a clinician, their clinician profile (not verified yet)."""
    user = form.save()
    if isinstance(form, ClinicianSignUpForm):
        form.clinician(user).save()
    elif form.cleaned_data["role"] == "therapist":
        Therapist.objects.create_draft(user=user)
    return user


class SignUpView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignUpForm

    def get_initial(self):
        role = self.request.GET.get("role")
        return {"role": role} if role in ("client", "therapist") else {}

    def form_valid(self, form):
        if not throttling.within_limits(
            self.request,
            form,
            per_ip=throttling.SIGNUPS_PER_IP,
            per_address=throttling.SIGNUPS_PER_ADDRESS,
            field=None,
        ):
            return self.form_invalid(form)
        user = sign_up(form=form)
        send_confirmation_email(self.request, user)
        return render(self.request, "accounts/check_email.html", {"email": user.email})


class ClinicianSignUpView(SignUpView):
    """Sign up as a clinician (linked from the sign-up page): limited, confirmed
    and mailed as every sign-up."""

    template_name = "accounts/clinician_signup.html"
    form_class = ClinicianSignUpForm

    def get_initial(self):
        return {}


@require_http_methods(["GET", "POST"])
def confirm_email(request, uidb64, token):
    """Opening the link shows a button; only its POST confirms and logs in, so a
    link planted on a logged-in visitor never switches their account."""
    users = get_user_model().objects
    try:
        user = users.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, users.model.DoesNotExist):
        user = None
    if user is None or not email_confirmation_token.check_token(user, token):
        return render(request, "accounts/confirm_failed.html", status=400)
    someone_else = request.user.is_authenticated and request.user.pk != user.pk
    if someone_else or request.method == "GET":
        return render(
            request,
            "accounts/confirm.html",
            {"email": user.email, "someone_else": someone_else},
            status=403 if someone_else and request.method == "POST" else 200,
        )
    user.is_active = True
    user.save(update_fields=["is_active"])
    visitor_shortlist = request.session.get(shortlist.SESSION_KEY, [])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    shortlist.merge_session_shortlist(request, visitor_shortlist)
    messages.success(request, "Thank you: your email address is confirmed.")
    return redirect("accounts:home")


class ResendConfirmationView(FormView):
    template_name = "accounts/resend_confirmation.html"
    form_class = ResendConfirmationForm

    def form_valid(self, form):
        if not throttling.within_limits(
            self.request,
            form,
            per_ip=throttling.RESENDS_PER_IP,
            per_address=throttling.RESENDS_PER_ADDRESS,
            field="email",
        ):
            return self.form_invalid(form)
        # Same answer whether or not the address has an account: no enumeration.
        user = (
            get_user_model()
            # Never-used accounts only: one staff switched off stays off.
            .objects.filter(
                email__iexact=form.cleaned_data["email"],
                is_active=False,
                last_login__isnull=True,
            )
            .first()
        )
        if user is not None and user.has_usable_password():
            send_confirmation_email(self.request, user)
        return render(
            self.request,
            "accounts/check_email.html",
            {"email": form.cleaned_data["email"]},
        )


def account_home(request):
    """Where logging in lands: therapists on the dashboard, clinicians on their
    clinician page, clients on their account."""
    if not request.user.is_authenticated:
        return redirect("login")
    if Therapist.objects.of_user(request.user).exists():
        return redirect("dashboard:home")
    if Clinician.objects.of_user(request.user).exists():
        return redirect("recommendations:clinician-home")
    return redirect("accounts:me")


class MyAccountView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/me.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            own_clinician=Clinician.objects.of_user(self.request.user).first(),
            **kwargs,
        )


class ExportDataView(LoginRequiredMixin, View):
    """Everything the site holds about the signed-in person, as JSON."""

    def get(self, request):
        data = personal_data(user=request.user)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, indent=2),
            content_type="application/json",
        )
        response["Content-Disposition"] = (
            'attachment; filename="my-back-care-data.json"'
        )
        return response


class DeleteAccountView(LoginRequiredMixin, FormView):
    template_name = "accounts/delete.html"
    form_class = DeleteAccountForm
    success_url = reverse_lazy("home")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        logout(self.request)
        delete_account(user=user)
        messages.success(self.request, "Your account and everything in it is deleted.")
        return super().form_valid(form)


class ShortlistMergingLoginView(LoginView):
    """Log in, and keep what a visitor shortlisted before logging in."""

    authentication_form = EmailLoginForm

    def form_valid(self, form):
        visitor_shortlist = self.request.session.get(shortlist.SESSION_KEY, [])
        response = super().form_valid(form)
        shortlist.merge_session_shortlist(self.request, visitor_shortlist)
        return response


class LimitedPasswordResetView(PasswordResetView):
    """Django's password reset, limited per address and per IP. The limit counts
    every address alike, so a refusal tells nothing about who has an account."""

    form_class = QueuedPasswordResetForm

    def form_valid(self, form):
        if not throttling.within_limits(
            self.request,
            form,
            per_ip=throttling.RESETS_PER_IP,
            per_address=throttling.RESETS_PER_ADDRESS,
            field="email",
        ):
            return self.form_invalid(form)
        return super().form_valid(form)


class UnlockingPasswordResetConfirmView(PasswordResetConfirmView):
    """Django's "set a new password" page, which also lifts the account's log-in
    lockout: whoever opened the link holds the mailbox, so the owner is never
    kept out by someone guessing at their address (OWASP ASVS 6.1.1)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        throttling.unlock(form.user)
        return response
