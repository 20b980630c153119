"""The demo's prices and ways to pay (demo/pricing.py): plausible, valid, and
inserted in bulk, with the insurance item matching the plans."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from demo.pricing import demo_charges
from therapists import payment
from therapists.models import AcceptedPlan, InsurancePlan, SessionPackage, Therapist

pytestmark = pytest.mark.django_db


def seed(count: int) -> None:
    call_command(
        "seed_demo", verbosity=0, therapists=count, reviews_per_therapist=1, seed=7
    )


def test_the_demo_has_prices_per_length_packages_ways_to_pay_and_plans():
    seed(150)
    therapists = Therapist.objects.all()
    assert not therapists.filter(session_price=None).exists()
    assert therapists.exclude(price_90=None).count() > 60
    assert therapists.exclude(price_30=None).exists()
    assert therapists.exclude(cancellation_notice_hours=None).count() > 60
    assert therapists.filter(sliding_scale=True).exists()
    assert SessionPackage.objects.exists()
    assert AcceptedPlan.objects.exists()
    hsa = payment.BY_CODE["hsa-fsa"].bit
    assert therapists.alias(h=payment_bit(hsa)).filter(h=hsa).exists()
    # The insurance item holds exactly for those with a plan.
    insured = set(
        therapists.alias(i=payment_bit(payment.INSURANCE.bit))
        .filter(i=payment.INSURANCE.bit)
        .values_list("pk", flat=True)
    )
    assert insured == set(AcceptedPlan.objects.values_list("therapist_id", flat=True))
    # Every row passes the model's own validation too.
    for package in SessionPackage.objects.all()[:50]:
        package.full_clean()


def payment_bit(bit):
    return F("payment_bits").bitand(bit)


def test_seeding_prices_costs_no_query_per_therapist():
    with CaptureQueriesContext(connection) as captured:
        seed(60)
    sql = [query["sql"] for query in captured]
    # The plans are read once per run; packages and plans inserted per batch
    # (the profile versions' triggers, written again after seeding, name the
    # tables too).
    reads = [q for q in sql if q.startswith("SELECT")]
    assert sum("therapists_insuranceplan" in q for q in reads) == 1
    inserts = [q.split("(")[0] for q in sql if q.startswith("INSERT INTO")]
    assert sum("sessionpackage" in q for q in inserts) <= 1
    assert sum("acceptedplan" in q for q in inserts) <= 1


def test_demo_charges_are_valid_for_any_price():
    plans = list(InsurancePlan.objects.values_list("pk", flat=True))
    for n in range(300):
        charges = demo_charges(f"t-{n}", 40 + n, plans, datetime.date(2026, 11, 30))
        fields = charges.fields
        for column in ("price_30", "price_45", "price_75", "price_90"):
            assert fields[column] is None or 1 <= fields[column] <= 2000
        assert (fields["assessment_minutes"] is None) == (
            fields["assessment_price"] is None
        )
        if fields["cancellation_fee"] is not None:
            assert fields["cancellation_notice_hours"] is not None
        assert bool(charges.plans) == bool(
            fields["payment_bits"] & payment.INSURANCE.bit
        )
