import pytest

from reviews.models import Review
from tests import factories
from therapists.models import Therapist


@pytest.fixture
def unlimited_api(settings):
    """The API without its rate limit (tests that make many requests)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "off"},
    }


@pytest.fixture
def world(db) -> dict[str, Therapist]:
    """A small directory: a published therapist in Manhattan with reviews (one
    held, one removed), credentials (one rejected) and a studio; a published
    home-based one in Brooklyn; and an unpublished draft with reviews."""
    studio = factories.make_therapist(
        display_name="Sam Studio",
        slug="sam-studio",
        contact_phone="+1 212 555 0100",
        booking_url="https://book.example.org/sam",
        client_contact=Therapist.ClientContact.PHONE,
    )
    factories.add_technique(studio, "deep-tissue", years=6)
    factories.add_language(studio, "es")
    studio.conditions.add(factories.condition("sciatica"))
    factories.make_location(studio, "10001", name="Midtown studio")
    factories.make_credential(studio, status="verified")
    factories.make_credential(
        studio, status="rejected", status_note="Staff only: blurry scan"
    )
    factories.make_reviews(studio, [5, 4, 5], condition=factories.condition())
    factories.make_review(studio, title="Held review", status=Review.Status.HELD)
    factories.make_review(studio, title="Removed review", status=Review.Status.REMOVED)
    home = factories.make_therapist(display_name="Hana Home", slug="hana-home")
    factories.add_technique(home, "swedish", years=2)
    factories.make_location(
        home,
        "11201",
        street_address="12 Secret Lane",
        is_home_based=True,
        latitude=40.694321,
        longitude=-73.990123,
    )
    factories.make_reviews(home, [4])
    draft = factories.make_therapist(
        display_name="Dora Draft", slug="dora-draft", is_published=False
    )
    factories.add_technique(draft, "deep-tissue")
    factories.make_location(draft, "10001")
    factories.make_reviews(draft, [5, 5])
    for therapist in (studio, home, draft):
        therapist.refresh_from_db()
    return {"studio": studio, "home": home, "draft": draft}
