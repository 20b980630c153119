import datetime

import pytest
from django.utils import timezone

from tests import factories
from therapists import accessibility, payment
from therapists.models import OpeningHours, SessionPackage

PHONE = "+1 212 555 0199"
BOOKING = "https://book.example.org/rosa-private"
HOME_STREET = "17 Quiet Lane"


@pytest.fixture
def world(db):
    """Several published practices (one home-based, one with several locations,
    hours, languages, access items and prices; one with nothing optional) and
    an unpublished one, whose details must never appear."""
    full = factories.make_therapist(
        display_name="Rosa Full",
        slug="rosa-full",
        bio="Slow, careful work for chronic low back pain.",
        price_30=50,
        price_90=160,
        assessment_minutes=75,
        assessment_price=120,
        sliding_scale=True,
        sliding_scale_note="Pay what you can on Tuesdays.",
        cancellation_notice_hours=24,
        cancellation_fee=40,
        offers_mobile_visits=True,
        access_bits=accessibility.mask_of(["step-free", "scent-free"]),
        payment_bits=payment.mask_of(["hsa-fsa", "superbill"]),
        details_confirmed_on=timezone.localdate() - datetime.timedelta(days=3),
        client_contact="phone",
        contact_phone=PHONE,
        booking_url=BOOKING,
        user=factories.make_user(email="rosa.private@example.org"),
    )
    factories.add_technique(full, "deep-tissue", years=6)
    factories.add_technique(full, "myofascial-release", years=0)
    full.conditions.add(factories.condition("sciatica"))
    factories.add_language(full, "es")
    factories.add_language(full, "asl")
    factories.make_location(full, name="Midtown studio")
    factories.make_location(
        full,
        zip_code="11201",
        street_address=HOME_STREET,
        is_home_based=True,
        latitude=40.693456,
        longitude=-73.989876,
    )
    OpeningHours.objects.create(
        therapist=full,
        weekday=0,
        opens=datetime.time(9),
        closes=datetime.time(17, 30),
    )
    OpeningHours.objects.create(
        therapist=full,
        weekday=5,
        opens=datetime.time(10),
        closes=datetime.time(14),
    )
    SessionPackage.objects.create(therapist=full, sessions=5, minutes=60, price=500)
    factories.make_credential(full)

    bare = factories.make_therapist(
        display_name="Ben Bare",
        slug="ben-bare",
        bio="",
        session_price=None,
        accepting_new_clients=False,
    )
    other = factories.make_therapist(display_name="Omar Other", slug="omar-other")
    factories.make_location(other, zip_code="60601")
    hidden = factories.make_therapist(
        display_name="Hana Hidden",
        slug="hana-hidden",
        is_published=False,
        user=factories.make_user(email="hana.hidden@example.org"),
    )
    factories.make_location(hidden, zip_code="94103", street_address="9 Draft Street")
    factories.add_language(hidden, "fr")
    OpeningHours.objects.create(
        therapist=hidden, weekday=2, opens=datetime.time(8), closes=datetime.time(12)
    )
    return {"full": full, "bare": bare, "other": other, "hidden": hidden}
