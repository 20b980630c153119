"""What a change to a therapist's own rows moves, recounted in the same
transaction: one function per kind of change.

The profile's own score is derived in Therapist.save(). What spans rows is
recounted here: the full-text search row, and the copies of the therapist's
search columns (and score) on every location. Review totals and the badge are
recounted by the apps that own reviews and credentials (docs/architecture.md).
"""

from django.db.models import F
from django.utils import timezone

from therapists import availability, payment
from therapists.models import AcceptedPlan, OpeningHours, Therapist


def _only(therapist: Therapist):
    return Therapist.objects.filter(pk=therapist.pk)


def profile_edited(therapist: Therapist) -> None:
    """Name, headline, bio, conditions or back-pain years changed: the search
    row, and the copies of the score (which save() derived) on the locations."""
    therapists = _only(therapist)
    therapists.refresh_search_documents()
    therapists.copy_to_locations(only_score=True)


def details_confirmed(therapist: Therapist) -> None:
    """The therapist confirmed in one click that their details are still right
    (therapists.freshness): the date, the score that save() derives from it,
    and the score's copies on the locations."""
    therapist.details_confirmed_on = timezone.localdate()
    therapist.save(
        update_fields=["details_confirmed_on", "qualification_score", "updated_at"]
    )
    _only(therapist).copy_to_locations(only_score=True)


def techniques_changed(therapist: Therapist) -> None:
    """Techniques added or removed: the search row and the locations' bits."""
    therapists = _only(therapist)
    therapists.refresh_search_documents()
    therapists.copy_to_locations()


def locations_changed(therapist: Therapist) -> None:
    """A location added, moved or removed: the search row (its places) and the
    copies on the locations (a new one has none yet)."""
    therapists = _only(therapist)
    therapists.refresh_search_documents()
    therapists.copy_to_locations()


def publication_changed(therapist: Therapist) -> None:
    """Published or unpublished: the `listed` copy on every location."""
    _only(therapist).copy_to_locations()


def edited_by_staff(therapist: Therapist) -> None:
    """The admin's therapist page can change all of the above at once."""
    therapists = _only(therapist)
    therapists.refresh_search_documents()
    therapists.copy_to_locations()
    hours_changed(therapist)


def plans_changed(therapist: Therapist) -> None:
    """Accepted insurance plans added or removed: the derived `insurance` bit
    of payment_bits (therapists.payment), set exactly when one is left."""
    bit = payment.INSURANCE.bit
    if AcceptedPlan.objects.filter(therapist=therapist).exists():
        bits = F("payment_bits").bitor(bit)
    else:
        bits = F("payment_bits").bitand(payment.ALL_BITS & ~bit)
    _only(therapist).update(payment_bits=bits)
    therapist.refresh_from_db(fields=["payment_bits"])


def hours_changed(therapist: Therapist) -> None:
    """Weekly hours (OpeningHours rows) added, edited or removed: what they
    hold for the search, `hours_bits` (therapists.availability.bits_of()).
    One SELECT of the ranges, one UPDATE."""
    ranges = OpeningHours.objects.filter(therapist=therapist).as_ranges()
    therapist.hours_bits = availability.bits_of(ranges)
    _only(therapist).update(hours_bits=therapist.hours_bits)


def next_opening_confirmed(therapist: Therapist) -> None:
    """The therapist confirmed in one click that their stated next opening
    still stands: its confirmation date (therapists.availability)."""
    therapist.next_opening_confirmed_on = timezone.localdate()
    therapist.save(update_fields=["next_opening_confirmed_on", "updated_at"])
