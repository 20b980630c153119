"""When a profile may be published: the checklist the dashboard shows, and
taking a profile out of search once it has a gap."""

from therapists import changes
from therapists.models import Therapist
from verification.models import Credential


def checklist(therapist: Therapist) -> list[dict]:
    """What a profile needs before it can be published, and what is done."""
    return [
        {"label": "Add a photo", "done": bool(therapist.photo), "anchor": "photo"},
        {
            "label": "Write a headline and a bio",
            "done": bool(therapist.headline.strip() and therapist.bio.strip()),
            "anchor": "profile",
        },
        {
            "label": "Set the price of at least one session length",
            "done": bool(therapist.session_prices),
            "anchor": "prices",
        },
        {
            "label": "Add at least one technique",
            "done": therapist.technique_links.exists(),
            "anchor": "techniques",
        },
        {
            "label": "Add at least one practice location",
            "done": therapist.locations.exists(),
            "anchor": "locations",
        },
        {
            "label": "Submit at least one credential",
            "done": therapist.credentials.exclude(
                status=Credential.Status.REJECTED
            ).exists(),
            "anchor": "credentials",
        },
    ]


def is_ready(therapist: Therapist) -> bool:
    """Whether every item of the checklist is done."""
    return all(item["done"] for item in checklist(therapist))


def set_published(therapist: Therapist, published: bool) -> None:
    """Publish or unpublish, and move the locations' copy with it."""
    therapist.is_published = published
    therapist.save(update_fields=["is_published", "updated_at"])
    changes.publication_changed(therapist)


def unpublish_if_incomplete(therapist: Therapist) -> bool:
    """Take a published profile out of search once its checklist has a gap."""
    if therapist.is_published and not is_ready(therapist):
        set_published(therapist, False)
        return True
    return False
