"""The shortlist: kept in the session for visitors, in the database for members,
and merged into the account when a visitor logs in."""

from shortlist.models import ShortlistEntry
from therapists.models import Therapist

SESSION_KEY = "shortlist"
MAX_SHORTLIST = 12


def therapist_ids(request) -> list[int]:
    """Shortlisted therapist ids, oldest first."""
    if request.user.is_authenticated:
        return list(
            ShortlistEntry.objects.filter(user=request.user).values_list(
                "therapist_id", flat=True
            )
        )
    return [int(pk) for pk in request.session.get(SESSION_KEY, [])]


def toggle(request, therapist: Therapist) -> str:
    """Add or remove a therapist: "on", "off", or "full" when there is no room."""
    if request.user.is_authenticated:
        entry = ShortlistEntry.objects.filter(user=request.user, therapist=therapist)
        if entry.exists():
            entry.delete()
            return "off"
        if ShortlistEntry.objects.filter(user=request.user).count() >= MAX_SHORTLIST:
            return "full"
        ShortlistEntry.objects.get_or_create(user=request.user, therapist=therapist)
        return "on"
    ids = [int(pk) for pk in request.session.get(SESSION_KEY, [])]
    if therapist.pk in ids:
        ids.remove(therapist.pk)
        result = "off"
    elif len(ids) < MAX_SHORTLIST:
        ids.append(therapist.pk)
        result = "on"
    else:
        return "full"
    request.session[SESSION_KEY] = ids
    return result


def merge_session_shortlist(request, ids: list[int]) -> None:
    """Save a visitor's shortlist to the account they just logged in to."""
    existing = set(
        ShortlistEntry.objects.filter(user=request.user).values_list(
            "therapist_id", flat=True
        )
    )
    published = set(
        Therapist.objects.published().filter(pk__in=ids).values_list("pk", flat=True)
    )
    room = MAX_SHORTLIST - len(existing)
    # In the order the visitor added them, after what the account already holds.
    new = [pk for pk in ids if pk in published and pk not in existing]
    ShortlistEntry.objects.bulk_create(
        [
            ShortlistEntry(user=request.user, therapist_id=pk)
            for pk in new[: max(room, 0)]
        ],
        ignore_conflicts=True,
    )
    request.session.pop(SESSION_KEY, None)
