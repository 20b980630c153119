"""What the site holds about a person: exported as JSON, or deleted with the
account. Each app describes its own rows; this composes them."""

from django.db import transaction

from core.files import delete_on_commit
from interviews import export as interviews_export
from reviews import export as reviews_export
from reviews import stats
from reviews.models import HelpfulVote, Review
from therapists.export import profile_data
from therapists.models import Therapist
from verification.export import credentials_data, evidence_files


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
        "therapist_profile": None,
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
        }
    return data


@transaction.atomic
def delete_account(*, user) -> None:
    """Delete an account, its profile and files, and the reviews it wrote.

    Therapists who lose a review are recounted in the same transaction.
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
    therapist = Therapist.objects.of_user(user).first()
    files = []
    if therapist is not None:
        files = [therapist.photo, therapist.photo_thumbnail, *evidence_files(therapist)]
    Therapist.objects.of_user(user).forget_search_documents()
    user.delete()  # cascades to the profile, its credentials and the reviews
    stats.reviews_changed(reviewed)
    Review.objects.filter(pk__in=voted_on).recount_helpful()
    delete_on_commit(*files)
