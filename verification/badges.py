"""The badge and the verified-credential counts stored on each therapist, and
whether each clinician's licence is verified.

Credentials are this app's rows, so this app recounts what they move, in the
same transaction as the change: the badge expiry and the counts on the
therapist, the badge copy on its locations, and its score; for a clinician,
the date until which their licence is verified, and then what apps above this
one store about verified clinicians (they register here, as this app cannot
import them: register_clinician_dependant()).
"""

import datetime
from collections.abc import Callable, Iterable

from django.db.models import Max, OuterRef, QuerySet, Subquery

from clinicians.models import Clinician
from therapists.indexing import count_subquery
from therapists.models import Therapist
from verification.models import Credential

# Called with the ids of clinicians whose verified status was just recounted.
ClinicianDependant = Callable[[set[int]], None]
_clinician_dependants: list[ClinicianDependant] = []


def credentials_changed(
    therapist_ids: Iterable[int], *, on: datetime.date | None = None
) -> None:
    """Recount the badge and verified-credential counts of these therapists
    after their credentials changed (submitted, edited, decided, expired,
    deleted), then what those move: location copies and the score."""
    # A clinician's credential has no therapist.
    therapist_ids = {pk for pk in therapist_ids if pk is not None}
    if therapist_ids:
        recount(Therapist.objects.filter(pk__in=therapist_ids), on=on)


def practice_states_changed(therapist_ids: Iterable[int]) -> None:
    """Recount the badge of these therapists after their locations were added,
    moved or removed: it depends on the states where they practise
    (CredentialQuerySet.badge_qualifying). Locations are `therapists` rows,
    which cannot reach up to this app, so whatever changes them calls this in
    the same transaction, after therapists.changes.locations_changed()."""
    credentials_changed(therapist_ids)


def holders_changed(
    credentials: Iterable[Credential], *, on: datetime.date | None = None
) -> None:
    """Recount whatever these credentials move for whoever holds them: the
    therapists' badges (credentials_changed()) and the clinicians' verified
    status (clinicians_changed())."""
    credentials = list(credentials)
    credentials_changed((c.therapist_id for c in credentials), on=on)
    clinicians_changed((c.clinician_id for c in credentials), on=on)


def clinicians_changed(
    clinician_ids: Iterable[int], *, on: datetime.date | None = None
) -> None:
    """Store until when each of these clinicians holds a verified, current
    state licence (None for none), then let the apps that depend on it recount
    (recommendations: the counts on the therapists these clinicians
    recommend)."""
    clinician_ids = {pk for pk in clinician_ids if pk is not None}
    if not clinician_ids:
        return
    licences = (
        Credential.objects.filter(clinician=OuterRef("pk"))
        .current(on)
        .filter(kind=Credential.Kind.STATE_LICENCE)
        .values("clinician")
        .annotate(until=Max("expires_on"))
        .values("until")
    )
    Clinician.objects.filter(pk__in=clinician_ids).update(
        verified_until=Subquery(licences)
    )
    for dependant in _clinician_dependants:
        dependant(clinician_ids)


def register_clinician_dependant(dependant: ClinicianDependant) -> None:
    """Have clinicians_changed() call `dependant` with the clinicians' ids,
    in the same transaction (an app above this one registers from its
    AppConfig.ready())."""
    if dependant not in _clinician_dependants:
        _clinician_dependants.append(dependant)


def recount(therapists: QuerySet, *, on: datetime.date | None = None) -> None:
    """Store the badge and credential counts of these therapists afresh, then
    copy the badge to their locations and rescore them."""
    mine = Credential.objects.filter(therapist=OuterRef("pk"))
    current = mine.current(on)
    badge_until = (
        mine.badge_qualifying(on)
        .values("therapist")
        .annotate(until=Max("expires_on"))
        .values("until")
    )
    therapists.update(
        badge_valid_until=Subquery(badge_until),
        # The score's licence and certification parts count only what the
        # board does not show lapsed or disciplined (unless staff kept it),
        # and a licence only from a state where the therapist practises.
        verified_licence_count=count_subquery(
            current.in_good_standing().licensing_where_practising()
        ),
        verified_certification_count=count_subquery(
            current.in_good_standing().filter(kind=Credential.Kind.BOARD_CERTIFICATION)
        ),
        other_verified_credential_count=count_subquery(
            current.exclude(kind__in=Credential.BADGE_KINDS)
        ),
    )
    therapists.copy_to_locations()
    therapists.rerank()
