"""Shortlist therapists, and compare them side by side."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from interviews.models import InterviewRequest
from reviews.stats import summary_of, with_recent_negative
from shortlist import session
from therapists import ranking, search
from therapists.geocoding import PlaceNotFound, geocode
from therapists.models import Therapist
from verification.models import Credential

COMPARE_MIN, COMPARE_MAX = 2, 4


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
    ids = session.therapist_ids(request)
    therapists = list(Therapist.objects.published().filter(pk__in=ids).for_listing())
    search.measure(therapists, None)  # each card names the first location
    return render(request, "shortlist/shortlist.html", {"therapists": therapists})


def compare(request):
    """2-4 therapists side by side; the URL carries only their slugs (and a place)."""
    slugs = [slug for slug in request.GET.getlist("t") if slug][:COMPARE_MAX]
    if not slugs:
        ids = session.therapist_ids(request)[:COMPARE_MAX]
        slugs = list(
            Therapist.objects.published()
            .filter(pk__in=ids)
            .values_list("slug", flat=True)
        )
    point, place_error = None, ""
    near = request.GET.get("near", "").strip()
    if near:
        try:
            point = geocode(near)
        except PlaceNotFound:
            place_error = f"We could not find “{near}”; distances are not shown."
    therapists = list(
        with_recent_negative(
            Therapist.objects.published()
            .filter(slug__in=slugs)
            .for_profile()
            .with_treatments()
            .prefetch_related(
                Prefetch(
                    "credentials",
                    # Marked verified, as the profile shows them (a lapsed one
                    # until the expiry job marks it expired).
                    queryset=Credential.objects.for_profile().filter(
                        status=Credential.Status.VERIFIED
                    ),
                    to_attr="current_credentials",
                )
            )
        )
    )
    therapists.sort(key=lambda t: slugs.index(t.slug))
    search.measure(therapists, point)
    answers = {}
    if request.user.is_authenticated:
        for interview in (
            InterviewRequest.objects.filter(
                client=request.user, therapist__in=therapists
            )
            .exclude(answered_at=None)
            .prefetch_related("questions")
        ):
            answers.setdefault(interview.therapist_id, interview)
    site_mean = Therapist.objects.site_mean_rating()
    columns = [
        {
            "therapist": t,
            "credentials": t.current_credentials,
            "interview": answers.get(t.pk),
            "distance": t.distance_miles,
            "summary": summary_of(t),
            "score_parts": ranking.breakdown(t, site_mean),
        }
        for t in therapists
    ]
    return render(
        request,
        "shortlist/compare.html",
        {
            "columns": columns,
            "enough": len(columns) >= COMPARE_MIN,
            "near": near if point else "",
            "place_error": place_error,
            "share_query": urlencode(
                [("t", t.slug) for t in therapists]
                + ([("near", near)] if point else [])
            ),
        },
    )
