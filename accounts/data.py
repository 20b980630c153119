"""What the site holds about a person: exported as JSON, or deleted with the
account. Each app describes its own rows; this composes them."""

from django.db import transaction

from clinicians.export import clinician_data
from clinicians.models import Clinician
from core.files import delete_on_commit
from interviews import export as interviews_export
from recommendations import counting
from recommendations import export as recommendations_export
from recommendations.models import Recommendation
from reviews import export as reviews_export
from reviews import stats
from reviews.models import HelpfulVote, Review
from therapists.export import profile_data
from therapists.models import Therapist
from verification.export import (
    credentials_data,
    evidence_files,
    licence_evidence_files,
    licences_data,
)


def personal_data(*, user) -> dict:
    """Everything about one person, as JSON-ready data."""
    therapist = Therapist.objects.of_user(user).with_treatments().first()
    data = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "reviews_written": reviews_export.reviews_written(user),
        "sessions_recorded": reviews_export.sessions_recorded(user),
        "therapist_profile": None,
        "clinician_profile": None,
        "interview_requests_sent": interviews_export.requests_sent(user),
        "interview_requests_received": interviews_export.requests_received(user),
        "shortlist": list(
            user.shortlist.values_list("therapist__display_name", flat=True)
        ),
    }
    if therapist is not None:
        data["therapist_profile"] = {
            **profile_data(therapist),
            "credentials": credentials_data(therapist),
            "reviews_received": reviews_export.reviews_received(therapist),
            "sessions_with_clients": reviews_export.sessions_with_clients(therapist),
        }
    clinician = Clinician.objects.of_user(user).first()
    if clinician is not None:
        data["clinician_profile"] = {
            **clinician_data(clinician),
            "licences": licences_data(clinician),
            "recommendations_written": recommendations_export.recommendations_written(
                clinician
            ),
        }
    return data


@transaction.atomic
def delete_account(*, user) -> None:
    """Delete an account, its profile and files, and the reviews and
    recommendations it wrote.

    Therapists who lose a review or a recommendation are recounted in the same
    transaction.
    """
    reviewed = list(
        Therapist.objects.filter(reviews__author=user)
        .exclude(user=user)
        .values_list("pk", flat=True)
        .distinct()
    )
    voted_on = list(
        HelpfulVote.objects.filter(user=user).values_list("review_id", flat=True)
    )
    recommended = list(
        Recommendation.objects.current()
        .filter(clinician__user=user)
        .values_list("therapist_id", flat=True)
    )
    therapist = Therapist.objects.of_user(user).first()
    files = []
    if therapist is not None:
        files = [therapist.photo, therapist.photo_thumbnail, *evidence_files(therapist)]
    clinician = Clinician.objects.of_user(user).first()
    if clinician is not None:
        files += licence_evidence_files(clinician)
    Therapist.objects.of_user(user).forget_search_documents()
    # Cascades to the profile or clinician, their credentials, the reviews and
    # the recommendations.
    user.delete()
    stats.reviews_changed(reviewed)
    counting.recommendations_changed(recommended)
    Review.objects.filter(pk__in=voted_on).recount_helpful()
    delete_on_commit(*files)
