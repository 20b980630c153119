"""Staff decide on credentials: the review queue (searched and filtered by
CredentialFilter), one credential side by side with its evidence, and bulk
approval. Every decision is recorded in the audit trail."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from verification import decisions, evidence
from verification.filters import CredentialFilter
from verification.forms import BulkApproveForm, DecisionForm
from verification.models import Credential, CredentialEvent

VERIFY = "verification.verify_credential"
PER_PAGE = 50


def queue_query(request) -> str:
    """The queue's search, filters and order as the request carries them (not
    the page): the review page passes them back to the queue."""
    kept = {
        name: values
        for name in CredentialFilter.base_filters
        # A search form sends its empty fields too; they say nothing.
        if (values := [value for value in request.GET.getlist(name) if value])
    }
    return urlencode(kept, doseq=True)


def queue_url(request) -> str:
    """The queue as the member of staff left it."""
    query = queue_query(request)
    return reverse("verification:queue") + (f"?{query}" if query else "")


@login_required
@permission_required(VERIFY, raise_exception=True)
def queue(request):
    # Pending credentials, and any a board roster flagged, oldest first.
    awaiting = Credential.objects.awaiting_decision().for_queue().oldest_first()
    filters = CredentialFilter(request.GET or None, queryset=awaiting)
    form = BulkApproveForm(request.POST or None, queryset=awaiting, user=request.user)
    if request.method == "POST" and form.is_valid():
        approved = decisions.approve_all(
            credentials=form.cleaned_data["credentials"],
            actor=request.user,
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"{len(approved)} credential(s) approved.")
        # Back to the same search and page.
        return redirect(request.get_full_path())
    valid = not filters.is_bound or filters.is_valid()
    # A bad filter (a changed URL) shows its message and nothing else.
    shown = filters.qs if valid else Credential.objects.none()
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "verification/queue.html",
        {
            "page_obj": page,
            "form": form,
            "filters": filters,
            "filters_valid": valid,
            "narrowed": filters.is_bound and valid and filters.narrows,
            "queue_query": queue_query(request),
        },
    )


@login_required
@permission_required(VERIFY, raise_exception=True)
def review(request, pk):
    credential = get_object_or_404(
        Credential.objects.select_related(
            "therapist__user", "clinician__user", "verified_by"
        ),
        pk=pk,
    )
    # Separation of duties: another member of staff decides on this one.
    if decisions.holds_any(request.user, [credential]):
        raise PermissionDenied(decisions.OWN_CREDENTIAL)
    form = DecisionForm(
        request.POST or None,
        board_record=credential.board_status in Credential.BADGE_WITHHOLDING,
    )
    if request.method == "POST" and form.is_valid():
        decisions.decide(
            credential=credential,
            actor=request.user,
            approve=form.approves,
            method=form.cleaned_data["method"],
            note=form.cleaned_data["note"],
            keep_badge=form.keeps_badge,
        )
        messages.success(
            request, f"{credential} {'approved' if form.approves else 'rejected'}."
        )
        return redirect(queue_url(request))
    others = Credential.objects.held_with(credential)
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
            "queue_url": queue_url(request),
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
