"""Shortlist therapists, and compare them side by side."""

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shortlist import session
from shortlist.comparison import (
    COMPARE_MIN,
    chosen_slugs,
    compare_therapists,
    shortlisted_slugs,
)
from shortlist.forms import CompareForm
from therapists import search
from therapists.models import Therapist


@require_POST
def toggle_shortlist(request, slug):
    therapist = get_object_or_404(
        Therapist.objects.published().select_related("user"), slug=slug
    )
    result = session.toggle(request, therapist)
    if result == "full":
        messages.warning(
            request,
            f"Your shortlist is full ({session.MAX_SHORTLIST}): remove one first.",
        )
    else:
        messages.success(
            request, f"{therapist.display_name} is {result} your shortlist."
        )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Not redirect(): it would take a bare word ("0") for a view name.
        return HttpResponseRedirect(next_url)
    return redirect(therapist.get_absolute_url())


def shortlist_page(request):
    """The shortlist, oldest first, with the choice of whom to compare; a valid
    choice goes on to the comparison, a wrong one comes back with its message."""
    ids = session.therapist_ids(request)
    therapists = sorted(
        Therapist.objects.published().filter(pk__in=ids).for_listing(),
        key=lambda therapist: ids.index(therapist.pk),
    )
    search.measure(therapists, None)  # each card names the first location
    submitted = "t" in request.GET or "near" in request.GET
    form = CompareForm(request.GET if submitted else None, therapists=therapists)
    if form.is_valid():
        return redirect(f"{reverse('shortlist:compare')}?{form.query()}")
    return render(
        request,
        "shortlist/shortlist.html",
        {"therapists": therapists, "form": form, "compare_min": COMPARE_MIN},
    )


def compare(request):
    """2-4 therapists side by side; the URL carries only their slugs (and a place)."""
    slugs = chosen_slugs(request.GET.getlist("t")) or shortlisted_slugs(
        session.therapist_ids(request)
    )
    comparison = compare_therapists(slugs, request.GET.get("near", ""), request.user)
    share_url = request.build_absolute_uri(
        f"{reverse('shortlist:compare')}?{comparison.share_query}"
    )
    return render(
        request,
        "shortlist/compare.html",
        {"comparison": comparison, "share_url": share_url},
    )


def compare_print(request):
    """The comparison on paper, for a client's doctor: what anyone may see of the
    therapists, and nothing of the client (no place, no answers to their
    questions, whoever is logged in). Its link names the therapists alone."""
    slugs = chosen_slugs(request.GET.getlist("t")) or shortlisted_slugs(
        session.therapist_ids(request)
    )
    comparison = compare_therapists(slugs, "", AnonymousUser())
    return render(
        request,
        "shortlist/compare_print.html",
        {
            "comparison": comparison,
            "share_url": request.build_absolute_uri(
                f"{reverse('shortlist:compare')}?{comparison.slugs_query}"
            ),
            "site_url": request.build_absolute_uri("/").rstrip("/"),
            "printed_on": timezone.localdate(),
        },
    )
