"""Anyone reports incorrect information on a profile; staff work through the
reports (ReportFilter) and record an outcome on each, which is logged."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.ratelimit import RateLimited, client_ip
from corrections import decisions
from corrections.filters import ReportFilter
from corrections.forms import OutcomeForm, ReportForm
from corrections.models import Report, ReportEvent
from therapists.models import Therapist

REVIEW = "corrections.review_report"
PER_PAGE = 50
THANKS = (
    "Thank you. Our staff will check what you reported and correct the profile "
    "or ask the therapist to."
)


def report(request, slug):
    therapist = get_object_or_404(Therapist.objects.published(), slug=slug)
    posted = request.POST if request.method == "POST" else None
    form = ReportForm(posted, instance=Report(therapist=therapist))
    if posted is not None and form.is_valid():
        if form.is_spam:
            # Looks the same to a bot; nothing is saved.
            messages.success(request, THANKS)
            return redirect(therapist.get_absolute_url())
        try:
            decisions.file_report(report=form.instance, ip=client_ip(request))
        except RateLimited as limited:
            form.add_error(None, f"Your report was not sent. {limited.message}")
        else:
            messages.success(request, THANKS)
            return redirect(therapist.get_absolute_url())
    return render(
        request, "corrections/report_form.html", {"form": form, "therapist": therapist}
    )


@login_required
@permission_required(REVIEW, raise_exception=True)
def queue(request):
    filters = ReportFilter(
        request.GET, queryset=Report.objects.for_queue().oldest_first()
    )
    valid = filters.is_valid()
    # A bad filter (a changed URL) shows its message and nothing else.
    shown = filters.qs if valid else Report.objects.none()
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "corrections/queue.html",
        {"page_obj": page, "filters": filters, "filters_valid": valid},
    )


@login_required
@permission_required(REVIEW, raise_exception=True)
def detail(request, pk):
    report = get_object_or_404(Report.objects.for_queue(), pk=pk)
    own = decisions.is_own(request.user, report)
    posted = request.POST if request.method == "POST" else None
    form = OutcomeForm(posted)
    if posted is not None:
        # Separation of duties: another member of staff decides on this one.
        if own:
            raise PermissionDenied(decisions.OWN_PROFILE)
        if form.is_valid():
            outcome = form.cleaned_data["outcome"]
            decisions.decide(
                report=report,
                actor=request.user,
                outcome=outcome,
                note=form.cleaned_data["note"].strip(),
                dashboard_link=request.build_absolute_uri(reverse("dashboard:home")),
            )
            messages.success(
                request,
                f"Report on {report.therapist.display_name} closed: "
                f"{Report.Outcome(outcome).label.lower()}.",
            )
            return redirect("corrections:queue")
    return render(
        request,
        "corrections/detail.html",
        {
            "report": report,
            "form": form,
            "own": own,
            "events": ReportEvent.objects.for_report(report).select_related("actor"),
        },
    )
