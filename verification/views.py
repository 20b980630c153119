"""Staff decide on credentials: the review queue, one credential side by side with
its evidence, and bulk approval. Every decision is recorded in the audit trail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from therapists.models import Credential, Therapist
from verification.forms import BulkApproveForm, DecisionForm
from verification.models import CredentialEvent

VERIFY = "therapists.verify_credential"
AUDITED_FIELDS = (
    *Credential.CLAIM_FIELDS,
    "status",
    "verification_method",
    "status_note",
)


def snapshot(credential: Credential) -> dict:
    """The audited fields of a credential, as JSON-ready values."""
    values = {}
    for name in AUDITED_FIELDS:
        value = getattr(credential, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def record_event(
    *, credential: Credential, action: str, actor=None, method="", note="", old=None
) -> CredentialEvent:
    """Append one row to a credential's audit trail."""
    return CredentialEvent.objects.create(
        credential=credential,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        method=method,
        note=note,
        old_values=old or {},
        new_values=snapshot(credential),
    )


@transaction.atomic
def decide(
    *, credential: Credential, actor, approve: bool, method: str, note: str
) -> Credential:
    """Approve or reject a credential and record who, when and how; the caller
    then recounts the therapist (once, however many credentials it decided)."""
    old = snapshot(credential)
    if approve:
        credential.status = Credential.Status.VERIFIED
        credential.verification_method = method
        credential.verified_by = actor
        credential.verified_at = timezone.now()
        credential.status_note = ""
        # Staff who approve have looked into whatever a roster flagged.
        credential.roster_flag = ""
    else:
        credential.status = Credential.Status.REJECTED
        credential.verification_method = method
        credential.verified_by = None
        credential.verified_at = None
        credential.status_note = note
    credential.save()
    record_event(
        credential=credential,
        action=CredentialEvent.Action.APPROVED
        if approve
        else CredentialEvent.Action.REJECTED,
        actor=actor,
        method=method,
        note=note,
        old=old,
    )
    return credential


@login_required
@permission_required(VERIFY, raise_exception=True)
def queue(request):
    # Pending credentials, and any a board roster flagged, oldest first.
    pending = (
        Credential.objects.filter(
            Q(status=Credential.Status.PENDING) | ~Q(roster_flag="")
        )
        .select_related("therapist")
        .order_by("created_at", "id")
    )
    form = BulkApproveForm(request.POST or None, queryset=pending)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["credentials"]
        with transaction.atomic():
            for credential in chosen:
                decide(
                    credential=credential,
                    actor=request.user,
                    approve=True,
                    method=form.cleaned_data["method"],
                    note=form.cleaned_data["note"],
                )
            Therapist.objects.filter(
                pk__in={credential.therapist_id for credential in chosen}
            ).refresh_stats()
        messages.success(request, f"{len(chosen)} credential(s) approved.")
        return redirect("verification:queue")
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(request, "verification/queue.html", {"page_obj": page, "form": form})


@login_required
@permission_required(VERIFY, raise_exception=True)
def review(request, pk):
    credential = get_object_or_404(
        Credential.objects.select_related("therapist", "verified_by"), pk=pk
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        with transaction.atomic():
            decide(
                credential=credential,
                actor=request.user,
                approve=approve,
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
            )
            credential.therapist.refresh_stats()
        messages.success(
            request, f"{credential} {'approved' if approve else 'rejected'}."
        )
        return redirect("verification:queue")
    others = Credential.objects.filter(therapist=credential.therapist).exclude(
        pk=credential.pk
    )
    return render(
        request,
        "verification/review.html",
        {
            "credential": credential,
            "form": form,
            "events": CredentialEvent.objects.for_credential(credential).select_related(
                "actor"
            ),
            "others": others,
            "evidence_is_image": credential.evidence.name.lower().endswith(
                (".jpg", ".jpeg", ".png")
            ),
        },
    )
