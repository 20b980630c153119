"""Staff decide on credentials: the review queue, one credential side by side with
its evidence, and bulk approval. Every decision is recorded in the audit trail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from verification import decisions
from verification.forms import BulkApproveForm, DecisionForm
from verification.models import Credential, CredentialEvent

VERIFY = "verification.verify_credential"


@login_required
@permission_required(VERIFY, raise_exception=True)
def queue(request):
    # Pending credentials, and any a board roster flagged, oldest first.
    pending = (
        Credential.objects.awaiting_decision()
        .select_related("therapist")
        .order_by("created_at", "id")
    )
    form = BulkApproveForm(request.POST or None, queryset=pending)
    if request.method == "POST" and form.is_valid():
        approved = decisions.approve_all(
            credentials=form.cleaned_data["credentials"],
            actor=request.user,
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"{len(approved)} credential(s) approved.")
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
        decisions.decide(
            credential=credential,
            actor=request.user,
            approve=form.approves,
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request, f"{credential} {'approved' if form.approves else 'rejected'}."
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
