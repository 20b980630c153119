"""Reviews as plain data, for a person's data export."""

from reviews.models import OUTCOMES, Review, SessionRecord


def reviews_written(user) -> list[dict]:
    """The reviews a person wrote, whatever their status."""
    return [
        {
            "therapist": review.therapist.display_name,
            "rating": review.rating,
            "title": review.title,
            "body": review.body,
            "sessions": review.sessions,
            # What they said of their pain (None: not answered).
            **{name: getattr(review, name) for name in OUTCOMES},
            "created_at": review.created_at,
        }
        for review in Review.objects.filter(author=user).select_related("therapist")
    ]


def reviews_received(therapist) -> list[dict]:
    """The reviews a therapist received that the public can read: the counted
    ones, as the profile shows them.

    A review held for moderation, removed or replaced by its author's newer one
    is left out whole, rating and all: what a client wrote about their health
    and withheld from the profile is theirs, and its rating alone (with its
    date) could point to who wrote it. Each client's export has their own.
    What reviewers said of their pain is left out too: the profile shows it
    only as a median across reviewers, and the review form promises that.
    """
    return [
        {
            "rating": review.rating,
            "title": review.title,
            "body": review.body,
            "created_at": review.created_at,
        }
        for review in Review.objects.filter(therapist=therapist).counted()
    ]


def sessions_recorded(user) -> list[dict]:
    """The sessions a person recorded with their therapists, or that a
    therapist recorded with them, and who has recorded each."""
    return [
        {
            "therapist": record.therapist.display_name,
            "session_date": record.session_date,
            "recorded_by_client_at": record.recorded_by_client_at,
            "recorded_by_therapist_at": record.recorded_by_therapist_at,
        }
        for record in SessionRecord.objects.filter(client=user).select_related(
            "therapist"
        )
    ]


def sessions_with_clients(therapist) -> list[dict]:
    """The sessions a therapist and their clients recorded (the client by the
    name the therapist already knows from the accepted request)."""
    return [
        {
            "client": record.client.get_full_name(),
            "session_date": record.session_date,
            "recorded_by_client_at": record.recorded_by_client_at,
            "recorded_by_therapist_at": record.recorded_by_therapist_at,
        }
        for record in SessionRecord.objects.filter(therapist=therapist).select_related(
            "client"
        )
    ]
