"""The therapist's own dashboard: profile editor, photo, techniques, locations,
credentials and publishing. Every view works on the signed-in therapist's own
rows only; staff work in the admin."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import (
    CreateView,
    DeleteView,
    FormView,
    TemplateView,
    UpdateView,
)

from core.files import delete_on_commit
from core.ratelimit import RateLimited, client_ip
from dashboard import confirmation, publication
from reviews.writing import INVITATIONS, create_invitation
from therapists import changes, freshness, uploads
from therapists.forms import (
    LocationForm,
    PhotoForm,
    TechniqueFormSet,
    TherapistProfileForm,
)
from therapists.models import Therapist
from verification import badges, decisions
from verification.forms import CredentialForm
from verification.models import Credential

EXPIRY_WARNING_DAYS = 60


def own_therapist(request) -> Therapist:
    """The signed-in user's therapist profile; clients have none."""
    therapist = Therapist.objects.of_user(request.user).first()
    if therapist is None:
        raise PermissionDenied("Only therapists have a dashboard.")
    return therapist


def finish_change(request, therapist: Therapist, message: str) -> None:
    """After an edit (its derived data already recounted): tell the therapist,
    and unpublish a profile whose checklist has a gap."""
    messages.success(request, message)
    if publication.unpublish_if_incomplete(therapist):
        messages.warning(
            request,
            "Your profile is hidden from search until the checklist is complete again.",
        )


class OwnerMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.therapist = own_therapist(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(therapist=self.therapist, **kwargs)

    def finished(self, message: str):
        """After a change: tell the therapist, check the checklist, go home."""
        finish_change(self.request, self.therapist, message)
        return redirect("dashboard:home")


class DashboardView(OwnerMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        credentials = self.therapist.credentials.order_by("kind", "issuer")
        checklist = publication.checklist(self.therapist)
        return super().get_context_data(
            checklist=checklist,
            ready_to_publish=all(item["done"] for item in checklist),
            credentials=credentials,
            expiring=[
                c for c in credentials if c.expires_on and today <= c.expires_on <= soon
            ],
            expired=[c for c in credentials if c.expires_on and c.expires_on < today],
            locations=self.therapist.locations.all(),
            invitations=self.therapist.invitations.all()[:10],
            technique_links=self.therapist.technique_links.select_related("technique"),
            needs_confirmation=confirmation.needs_confirmation(self.therapist),
            confirmation=self.therapist.details_confirmation,
            stale_from=confirmation.stale_from(self.therapist),
            fresh_days=freshness.FRESH_DAYS,
            **kwargs,
        )


class ProfileEditView(OwnerMixin, UpdateView):
    form_class = TherapistProfileForm
    template_name = "dashboard/profile_form.html"

    def get_object(self, queryset=None):
        return self.therapist

    @transaction.atomic
    def form_valid(self, form):
        form.save()
        changes.profile_edited(self.therapist)
        return self.finished("Your profile is saved.")


class PhotoView(OwnerMixin, FormView):
    form_class = PhotoForm
    template_name = "dashboard/photo_form.html"

    def form_valid(self, form):
        processed = form.cleaned_data["photo"]
        therapist = self.therapist
        with (
            uploads.kept_only_if_saved(therapist, "photo", "photo_thumbnail"),
            transaction.atomic(),
        ):
            delete_on_commit(therapist.photo, therapist.photo_thumbnail)
            therapist.photo.save(processed.photo.name, processed.photo, save=False)
            therapist.photo_thumbnail.save(
                processed.thumbnail.name, processed.thumbnail, save=False
            )
            therapist.save(update_fields=["photo", "photo_thumbnail", "updated_at"])
            return self.finished("Your photo is updated.")


@require_POST
@login_required
def photo_delete(request):
    therapist = own_therapist(request)
    with transaction.atomic():
        delete_on_commit(therapist.photo, therapist.photo_thumbnail)
        therapist.photo = therapist.photo_thumbnail = ""
        therapist.is_published = False
        therapist.save(update_fields=["photo", "photo_thumbnail", "is_published"])
        changes.publication_changed(therapist)
    messages.success(request, "Your photo is removed; your profile is unpublished.")
    return redirect("dashboard:home")


@login_required
def techniques_edit(request):
    therapist = own_therapist(request)
    formset = TechniqueFormSet(request.POST or None, instance=therapist)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
            changes.techniques_changed(therapist)
            finish_change(request, therapist, "Your techniques are saved.")
        return redirect("dashboard:home")
    return render(
        request,
        "dashboard/techniques_form.html",
        {"formset": formset, "therapist": therapist},
    )


class OwnedObjectMixin(OwnerMixin):
    """Views on one of the therapist's own locations or credentials: another
    therapist's row is a 404, never a 403 that confirms it exists."""

    def get_queryset(self):
        return self.model.objects.filter(therapist=self.therapist)


class LocationCreateView(OwnerMixin, CreateView):
    form_class = LocationForm
    template_name = "dashboard/location_form.html"

    @transaction.atomic
    def form_valid(self, form):
        form.instance.therapist = self.therapist
        form.save()
        changes.locations_changed(self.therapist)
        # The badge needs a licence from a state where they practise.
        badges.practice_states_changed([self.therapist.pk])
        return self.finished("The location is added.")


class LocationUpdateView(OwnedObjectMixin, UpdateView):
    form_class = LocationForm
    template_name = "dashboard/location_form.html"

    @property
    def model(self):
        return LocationForm._meta.model

    @transaction.atomic
    def form_valid(self, form):
        form.save()
        changes.locations_changed(self.therapist)
        badges.practice_states_changed([self.therapist.pk])
        return self.finished("The location is saved.")


class LocationDeleteView(OwnedObjectMixin, DeleteView):
    template_name = "dashboard/confirm_delete.html"
    success_url = reverse_lazy("dashboard:home")

    @property
    def model(self):
        return LocationForm._meta.model

    @transaction.atomic
    def form_valid(self, form):
        self.object.delete()
        changes.locations_changed(self.therapist)
        badges.practice_states_changed([self.therapist.pk])
        return self.finished("The location is removed.")


class CredentialCreateView(OwnerMixin, CreateView):
    form_class = CredentialForm
    template_name = "dashboard/credential_form.html"

    def get_initial(self):
        # A link may choose the kind: ?kind=trauma_informed_training.
        kind = self.request.GET.get("kind", "")
        return {"kind": kind} if kind in Credential.Kind.values else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "therapist": self.therapist}

    @transaction.atomic
    def form_valid(self, form):
        decisions.submit(credential=form.save(commit=False), actor=self.request.user)
        return self.finished("Your credential is submitted: our staff will check it.")


class CredentialUpdateView(OwnedObjectMixin, UpdateView):
    model = Credential
    form_class = CredentialForm
    template_name = "dashboard/credential_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "therapist": self.therapist}

    @transaction.atomic
    def form_valid(self, form):
        decisions.edit(
            credential=form.save(commit=False),
            before=self.get_object(),
            actor=self.request.user,
        )
        return self.finished("Your credential is saved.")


class CredentialDeleteView(OwnedObjectMixin, DeleteView):
    model = Credential
    template_name = "dashboard/confirm_delete.html"
    success_url = reverse_lazy("dashboard:home")

    @transaction.atomic
    def form_valid(self, form):
        decisions.remove(credential=self.object)
        return self.finished("The credential is removed.")


@login_required
def evidence_download(request, pk):
    """Credential evidence, for its owner and for staff only; never a public URL."""
    credentials = Credential.objects.all()
    user = request.user
    if not (
        user.has_perm("verification.view_credential")
        or user.has_perm("verification.verify_credential")
    ):
        credentials = credentials.filter(therapist__user=request.user)
    credential = get_object_or_404(credentials, pk=pk)
    if not credential.evidence:
        raise Http404("No evidence uploaded.")
    try:
        handle = credential.evidence.open("rb")
    except FileNotFoundError:
        raise Http404("The evidence file is missing.") from None
    # Always a download, so an uploaded PDF never opens in the browser's viewer
    # inside the site's origin; staff see it as page images rendered on the
    # server (verification.evidence).
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=credential.evidence.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def invite(request):
    """Create a one-time review invitation the therapist hands to a client."""
    therapist = own_therapist(request)
    note = request.POST.get("note", "").strip()[:120]
    try:
        INVITATIONS.hit(f"user:{request.user.pk}", client_ip(request))
        invitation = create_invitation(therapist=therapist, note=note)
    except RateLimited as limited:
        messages.error(request, f"No invitation created. {limited.message}")
        return redirect("dashboard:home")
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("dashboard:home")
    link = request.build_absolute_uri(invitation.get_absolute_url())
    messages.success(request, f"Send this one-time link to your client: {link}")
    return redirect("dashboard:home")


@require_POST
@login_required
def confirm_details(request):
    """One click: the therapist confirms every detail clients rely on is still
    right (therapists.freshness)."""
    therapist = own_therapist(request)
    with transaction.atomic():
        changes.details_confirmed(therapist)
    messages.success(
        request,
        "Thank you: your profile shows your details as confirmed on "
        f"{freshness.short_date(therapist.details_confirmed_on)}.",
    )
    return redirect("dashboard:home")


@require_POST
@login_required
def publish(request):
    therapist = own_therapist(request)
    if request.POST.get("action") == "unpublish":
        with transaction.atomic():
            publication.set_published(therapist, False)
        messages.success(request, "Your profile is hidden from search.")
    elif publication.is_ready(therapist):
        with transaction.atomic():
            publication.set_published(therapist, True)
        messages.success(request, "Your profile is published and appears in search.")
    else:
        messages.error(
            request, "Finish the checklist first: your profile is not published yet."
        )
    return redirect("dashboard:home")
