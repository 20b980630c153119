"""The state pages, composed from the state table (verification.jurisdictions)
and the therapists listed in each state (one query a page)."""

from django.http import Http404
from django.shortcuts import redirect, render

from therapists.models import PracticeLocation
from verification import jurisdictions


def counts_by_state(**narrowing) -> dict[str, dict]:
    """How many listed therapists practise in each state, and how many of them
    hold the badge."""
    rows = PracticeLocation.objects.listed().filter(**narrowing).therapists_per_state()
    return {row["state"]: row for row in rows}


def state_list(request):
    counts = counts_by_state()
    none = {"therapists": 0, "verified": 0}
    return render(
        request,
        "states/state_list.html",
        {
            "states": [
                (state, counts.get(code, none))
                for code, state in sorted(
                    jurisdictions.STATES.items(), key=lambda item: item[1].name
                )
            ],
        },
    )


def state_detail(request, code):
    state = jurisdictions.by_code(code)
    if state is None:
        raise Http404("We have no page for that state.")
    if code != state.slug:
        return redirect("states:detail", code=state.slug, permanent=True)
    counts = counts_by_state(state=state.code).get(state.code, {})
    return render(
        request,
        "states/state_detail.html",
        {
            "state": state,
            "therapists": counts.get("therapists", 0),
            "verified": counts.get("verified", 0),
            "fsmtb_url": jurisdictions.FSMTB_BOARDS_URL,
            "ncbtmb_url": jurisdictions.NCBTMB_URL,
        },
    )
