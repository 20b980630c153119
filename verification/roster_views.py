"""Staff import board rosters: upload a file (checked before it is queued), watch
the background task's progress and read its report. The import itself is
verification.roster_import, shared with the `import_roster` command."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from therapists import uploads
from verification import roster_import
from verification.decisions import RosterOutcome
from verification.forms import RosterImportForm
from verification.models import Credential, RosterImport
from verification.views import VERIFY

PER_PAGE = 25


@login_required
@permission_required(VERIFY, raise_exception=True)
def roster_list(request):
    imports = RosterImport.objects.newest_first().select_related("started_by")
    page = Paginator(imports, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "verification/rosterimport_list.html", {"page_obj": page})


@login_required
@permission_required(VERIFY, raise_exception=True)
def roster_new(request):
    form = RosterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        new = form.save(commit=False)
        # A save that fails leaves no file behind in private storage.
        with uploads.kept_only_if_saved(new, "file"):
            roster_import.start(roster_import=new, by=request.user)
        messages.success(
            request,
            f"{new.filename or 'The roster'} is queued for import"
            f"{' (dry run: nothing will be saved)' if new.dry_run else ''}.",
        )
        return redirect(new)
    return render(request, "verification/rosterimport_form.html", {"form": form})


@login_required
@permission_required(VERIFY, raise_exception=True)
def roster_detail(request, pk):
    found = get_object_or_404(RosterImport.objects.select_related("started_by"), pk=pk)
    return render(
        request,
        "verification/rosterimport_detail.html",
        {
            "roster_import": found,
            "report": report(found),
            "malformed_hidden": max(
                found.counts.get(roster_import.MALFORMED, 0) - len(found.malformed),
                0,
            ),
        },
    )


def report(found: RosterImport) -> list[tuple[str, int, str]]:
    """Each count of a finished import: (label, count, a link to the queue)."""
    # The credentials a roster flagged wait in the queue among their state's.
    flagged_url = (
        reverse("verification:queue")
        + "?"
        + urlencode(
            {"state": found.jurisdiction, "kind": Credential.Kind.STATE_LICENCE}
        )
    )
    counts = found.counts
    flagged = counts.get(RosterOutcome.FLAGGED, 0)
    return [
        ("Verified", counts.get(RosterOutcome.VERIFIED, 0), ""),
        (
            "Flagged for staff",
            flagged,
            flagged_url if flagged and not found.dry_run else "",
        ),
        ("Unchanged", counts.get(RosterOutcome.UNCHANGED, 0), ""),
        ("Not on the site", counts.get(roster_import.NOT_ON_SITE, 0), ""),
        ("Malformed rows skipped", counts.get(roster_import.MALFORMED, 0), ""),
    ]


@login_required
@permission_required(VERIFY, raise_exception=True)
def roster_status(request, pk):
    """What the import's page shows while it runs, for static/js/roster.js."""
    found = get_object_or_404(RosterImport, pk=pk)
    response = JsonResponse(
        {
            "status": found.status,
            "status_display": found.get_status_display(),
            "rows_done": found.rows_done,
            "rows_total": found.rows_total,
            "in_progress": found.in_progress,
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required(VERIFY, raise_exception=True)
@require_POST
def roster_retry(request, pk):
    found = get_object_or_404(RosterImport, pk=pk)
    if roster_import.retry(roster_import=found):
        messages.success(request, "The import is queued again.")
    else:
        messages.error(
            request,
            "Only a failed import, or one stuck without progress, can be tried again.",
        )
    return redirect(found)
