"""Reviews as plain data, for a person's data export."""

from reviews.models import Review


def reviews_written(user) -> list[dict]:
    """The reviews a person wrote, whatever their status."""
    return [
        {
            "therapist": review.therapist.display_name,
            "rating": review.rating,
            "title": review.title,
            "body": review.body,
            "created_at": review.created_at,
        }
        for review in Review.objects.filter(author=user).select_related("therapist")
    ]


def reviews_received(therapist) -> list[dict]:
    """The reviews a therapist received, whatever their status."""
    return [
        {
            "rating": review.rating,
            "title": review.title,
            "body": review.body,
            "created_at": review.created_at,
        }
        for review in Review.objects.filter(therapist=therapist)
    ]
