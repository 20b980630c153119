"""A clinician's own pages under /clinicians/ (their licence, their
recommendations) and recommending a therapist from the therapist's profile.
The rules are recommendations.writing's and verification.decisions'; these
views pick the clinician, the form and the template."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, FormView, TemplateView, UpdateView

from clinicians.models import Clinician
from core.ratelimit import RateLimited, client_ip
from recommendations import writing
from recommendations.forms import RecommendationForm
from recommendations.models import Recommendation
from therapists.models import Therapist
from verification import decisions
from verification.forms import ClinicianLicenceForm
from verification.models import Credential

NOT_A_CLINICIAN_PAGE = (
    "This page is for clinicians who recommend therapists. To become one, "
    "sign up as a clinician with a separate account."
)


def own_clinician(request) -> Clinician:
    """The signed-in user's clinician profile; anyone else is refused."""
    clinician = Clinician.objects.of_user(request.user).first()
    if clinician is None:
        raise PermissionDenied(NOT_A_CLINICIAN_PAGE)
    return clinician


class ClinicianMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.clinician = own_clinician(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(clinician=self.clinician, **kwargs)


class ClinicianHomeView(ClinicianMixin, TemplateView):
    template_name = "recommendations/clinician_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            licences=self.clinician.credentials.order_by("-created_at", "-id"),
            recommendations=Recommendation.objects.by(self.clinician).for_clinician(),
            **kwargs,
        )


class LicenceCreateView(ClinicianMixin, CreateView):
    form_class = ClinicianLicenceForm
    template_name = "recommendations/licence_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "clinician": self.clinician}

    @transaction.atomic
    def form_valid(self, form):
        decisions.submit(credential=form.save(commit=False), actor=self.request.user)
        messages.success(
            self.request,
            "Your licence is submitted: our staff will check it and email you.",
        )
        return redirect("recommendations:clinician-home")


class LicenceUpdateView(ClinicianMixin, UpdateView):
    form_class = ClinicianLicenceForm
    template_name = "recommendations/licence_form.html"

    def get_queryset(self):
        # Another clinician's licence is a 404, never a 403 that confirms it.
        return Credential.objects.filter(clinician=self.clinician)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "clinician": self.clinician}

    @transaction.atomic
    def form_valid(self, form):
        decisions.edit(
            credential=form.save(commit=False),
            before=self.get_object(),
            actor=self.request.user,
        )
        messages.success(self.request, "Your licence is saved.")
        return redirect("recommendations:clinician-home")


@require_POST
@login_required
def withdraw(request, pk):
    """Withdraw one of the clinician's own recommendations."""
    clinician = own_clinician(request)
    recommendation = get_object_or_404(
        Recommendation.objects.by(clinician).select_related("therapist"), pk=pk
    )
    writing.withdraw(recommendation=recommendation)
    messages.success(
        request,
        f"Your recommendation of {recommendation.therapist.display_name} is "
        "withdrawn: it no longer shows on their profile.",
    )
    return redirect("recommendations:clinician-home")


class RecommendView(LoginRequiredMixin, FormView):
    """A verified clinician recommends a published therapist."""

    form_class = RecommendationForm
    template_name = "recommendations/recommendation_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.therapist = get_object_or_404(
                Therapist.objects.published(), slug=kwargs["slug"]
            )
            self.clinician = Clinician.objects.of_user(request.user).first()
            if reason := writing.refusal(self.clinician, self.therapist):
                raise PermissionDenied(reason)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            therapist=self.therapist,
            clinician=self.clinician,
            existing=writing.current_recommendation(self.clinician, self.therapist),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            writing.RECOMMENDATIONS_PER_HOUR.hit(
                f"user:{self.request.user.pk}", client_ip(self.request)
            )
            writing.recommend(
                clinician=self.clinician,
                therapist=self.therapist,
                statement=form.cleaned_data["statement"],
            )
        except RateLimited as limited:
            form.add_error(None, f"Nothing was published. {limited.message}")
            return self.form_invalid(form)
        except writing.Refused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Thank you: your recommendation of {self.therapist.display_name} "
            "now shows on their profile.",
        )
        return redirect(self.therapist.get_absolute_url() + "#recommendations")
