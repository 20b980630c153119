"""Staff decide on credentials: the review queue, one credential side by side with
its evidence, and bulk approval. Every decision is recorded in the audit trail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from verification import decisions, evidence
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
    form = BulkApproveForm(request.POST or None, queryset=pending, user=request.user)
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
    # Separation of duties: another member of staff decides on this one.
    if decisions.is_own(request.user, [credential.therapist_id]):
        raise PermissionDenied(decisions.OWN_CREDENTIAL)
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
            "evidence_pages": evidence_pages(credential),
        },
    )


def evidence_pages(credential) -> range:
    """The page numbers of the evidence's images (none if it cannot be shown)."""
    if not credential.evidence:
        return range(0)
    try:
        return range(1, evidence.page_count(credential.evidence) + 1)
    except evidence.Unreadable:
        return range(0)


@login_required
@permission_required(VERIFY, raise_exception=True)
def evidence_page(request, pk, page):
    """One page of a credential's evidence as a PNG rendered on the server: a PDF
    never opens in the browser's own viewer."""
    credential = get_object_or_404(Credential, pk=pk)
    try:
        png = evidence.page_png(credential.evidence, page)
    except evidence.Unreadable:
        raise Http404("No such page of evidence.") from None
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
