"""Ways to pay (issue 16, item 2): the items and their bits, the `payment`
search parameter (all must hold), the derived `insurance` bit, the plans from
a list of real carriers with when each was confirmed, and wording that never
promises coverage."""

import datetime
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from tests import budgets, factories
from therapists import changes, payment, search
from therapists.export import profile_data
from therapists.filters import TherapistFilter
from therapists.management.commands.explain_search import (
    SHAPES,
    plan_lines,
    problems_in,
)
from therapists.models import AcceptedPlan, InsurancePlan, Therapist

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("therapists:list")
PROMISES = ("is covered", "are covered", "will cover", "covers massage", "guarantee")


def run(query: str):
    filterset = TherapistFilter(
        QueryDict(query), queryset=Therapist.objects.published()
    )
    return filterset, ([t.slug for t in filterset.qs] if filterset.is_valid() else None)


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def accept(therapist, slug, days_ago=0):
    AcceptedPlan.objects.create(
        therapist=therapist,
        plan=InsurancePlan.objects.get(slug=slug),
        confirmed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )
    changes.plans_changed(therapist)


@pytest.fixture
def payers():
    """hsa: HSA/FSA receipts; both: HSA/FSA and superbills; insured: accepts
    Aetna; nothing: states nothing. All near 10001."""
    hsa = factories.make_therapist(
        slug="hsa", payment_bits=payment.mask_of(["hsa-fsa"])
    )
    both = factories.make_therapist(
        slug="both", payment_bits=payment.mask_of(["hsa-fsa", "superbill"])
    )
    insured = factories.make_therapist(slug="insured")
    accept(insured, "aetna")
    nothing = factories.make_therapist(slug="nothing")
    for therapist in (hsa, both, insured, nothing):
        factories.make_location(therapist, "10001")
    return hsa, both, insured, nothing


# --- the list -------------------------------------------------------------------


def test_every_item_has_a_unique_code_bit_and_words_to_check():
    codes = [item.code for item in payment.ITEMS]
    assert codes == ["hsa-fsa", "superbill", "insurance", "workers-comp", "auto-injury"]
    assert len({item.bit for item in payment.ITEMS}) == len(payment.ITEMS)
    assert all(item.bit & (item.bit - 1) == 0 for item in payment.ITEMS)
    assert "letter of medical necessity" in payment.BY_CODE["hsa-fsa"].check
    assert payment.INSURANCE.check == (
        "Ask your plan whether massage by a licensed therapist is covered and "
        "whether you need a referral."
    )
    for code in ("workers-comp", "auto-injury"):
        assert "check with your adjuster" in payment.BY_CODE[code].check


def test_the_plans_listed_are_real_carriers_only():
    names = set(InsurancePlan.objects.values_list("name", flat=True))
    assert {
        "Aetna",
        "Anthem",
        "Blue Cross Blue Shield",
        "Cigna",
        "Humana",
        "Kaiser Permanente",
        "Optum",
        "UnitedHealthcare",
        "Tricare",
    } <= names
    assert not any("other" in name.lower() for name in names)


def test_a_plan_is_accepted_once_per_therapist(therapist):
    accept(therapist, "aetna")
    with pytest.raises(IntegrityError), transaction.atomic():
        accept(therapist, "aetna")


# --- the derived insurance bit ------------------------------------------------------


def test_the_insurance_bit_follows_the_plans(therapist):
    assert "insurance" not in therapist.payment_codes
    accept(therapist, "aetna")
    accept(therapist, "cigna")
    therapist.refresh_from_db()
    assert therapist.payment_codes == ["insurance"]
    AcceptedPlan.objects.filter(therapist=therapist, plan__slug="aetna").delete()
    changes.plans_changed(therapist)
    assert Therapist.objects.get(pk=therapist.pk).payment_codes == ["insurance"]
    AcceptedPlan.objects.filter(therapist=therapist).delete()
    changes.plans_changed(therapist)
    assert Therapist.objects.get(pk=therapist.pk).payment_codes == []


def test_recounting_the_insurance_bit_leaves_the_ticked_items_alone(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(
        payment_bits=payment.mask_of(["superbill", "auto-injury"])
    )
    therapist.refresh_from_db()
    accept(therapist, "humana")
    assert Therapist.objects.get(pk=therapist.pk).payment_codes == [
        "superbill",
        "insurance",
        "auto-injury",
    ]


# --- the search ----------------------------------------------------------------------


def test_payment_finds_those_stating_every_item_ticked(payers):
    _, slugs = run("payment=hsa-fsa")
    assert set(slugs) == {"hsa", "both"}
    _, slugs = run("payment=hsa-fsa&payment=superbill")
    assert slugs == ["both"]
    _, slugs = run("payment=insurance")
    assert slugs == ["insured"]
    _, slugs = run("payment=workers-comp")
    assert slugs == []


def test_an_unknown_way_to_pay_is_refused_in_plain_words(payers):
    filterset, slugs = run("payment=cash-in-hand")
    assert slugs is None
    assert filterset.form.errors["payment"] == ["Choose ways to pay from the list."]


def test_the_panel_lists_every_way_and_chips_drop_one(client, payers):
    response = client.get(SEARCH_URL + "?payment=hsa-fsa&payment=superbill")
    page = response.content.decode()
    assert "<legend>Ways to pay (all ticked must hold)</legend>" in page
    for item in payment.ITEMS:
        assert f'value="{item.code}"' in page
    chips = [chip.label for chip in response.context["active_filters"]]
    assert "Itemised receipt for HSA/FSA" in chips
    assert "Superbill on request" in chips


def test_the_search_stays_within_five_queries(
    client, payers, django_assert_max_num_queries
):
    client.get(SEARCH_URL)
    for query in (
        "?payment=hsa-fsa&payment=superbill",
        "?near=10001&radius=25&payment=insurance&sort=best",
        "?payment=auto-injury",  # finds nobody: suggestions counted too
    ):
        with django_assert_max_num_queries(budgets.SEARCH_PAGE):
            assert client.get(SEARCH_URL + query).status_code == 200


def test_explain_search_covers_the_parameter():
    assert "payment=hsa-fsa&payment=superbill" in SHAPES
    assert "near=10001&radius=25&payment=insurance&sort=best" in SHAPES


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite plans")
@pytest.mark.parametrize(
    "query",
    [shape for shape in SHAPES if "payment=" in shape]
    + ["payment=superbill&sort=price"],
)
def test_the_filter_never_scans_the_table(payers, query):
    filterset, _ = run(query)
    assert filterset.is_valid()
    results = search.search(filterset.params(), 1)
    sql, params = results.paginator.object_list.query.sql_with_params()
    lines = plan_lines(sql, params)
    assert problems_in(lines) == []
    assert any("USING" in line for line in lines)


# --- where it shows -------------------------------------------------------------


def test_the_profile_says_what_to_check_and_when_each_plan_was_confirmed(
    client, therapist
):
    Therapist.objects.filter(pk=therapist.pk).update(
        payment_bits=payment.mask_of(["hsa-fsa", "workers-comp"])
    )
    accept(therapist, "aetna", days_ago=3)
    accept(therapist, "cigna", days_ago=400)
    text = text_of(client.get(therapist.get_absolute_url()))
    recent = (timezone.localdate() - datetime.timedelta(days=3)).strftime("%b %-d, %Y")
    old = (timezone.localdate() - datetime.timedelta(days=400)).strftime("%b %-d, %Y")
    assert f"Aetna, confirmed {recent}" in text
    assert f"Cigna, last confirmed {old} (over a year ago)" in text
    assert "many plans need a letter of medical necessity" in text.lower()
    assert "Ask your plan whether massage by a licensed therapist is covered" in text
    assert "Where your state and claim allow; check with your adjuster." in text
    for promise in PROMISES:
        assert promise not in text.replace("is covered and whether", "")


def test_a_profile_with_nothing_stated_promises_nothing(client, therapist):
    text = text_of(client.get(therapist.get_absolute_url()))
    assert "has not said how clients can pay" in text
    assert "we do not check what any plan or claim covers" in text


def test_the_profile_with_plans_stays_within_its_query_budget(
    client, therapist, django_assert_max_num_queries
):
    accept(therapist, "aetna")
    accept(therapist, "tricare")
    client.get(therapist.get_absolute_url())
    with django_assert_max_num_queries(5):
        assert client.get(therapist.get_absolute_url()).status_code == 200


def test_the_comparison_lists_ways_and_plans_within_its_budget(
    client, therapist, other_therapist, django_assert_num_queries
):
    Therapist.objects.filter(pk=therapist.pk).update(
        payment_bits=payment.mask_of(["superbill"])
    )
    accept(therapist, "optum")
    with django_assert_num_queries(5):
        response = client.get(
            reverse("shortlist:compare"),
            {"t": [therapist.slug, other_therapist.slug], "near": "10001"},
        )
    text = text_of(response)
    assert "Superbill on request" in text
    assert "Optum, confirmed" in text
    assert "None stated" in text  # the other therapist's plans


def test_the_export_lists_ways_and_plans(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(
        payment_bits=payment.mask_of(["hsa-fsa"])
    )
    accept(therapist, "anthem", days_ago=10)
    data = profile_data(Therapist.objects.with_treatments().get(pk=therapist.pk))
    assert data["payment"] == ["hsa-fsa", "insurance"]
    assert data["insurance_plans"] == [
        {
            "plan": "Anthem",
            "confirmed_on": timezone.localdate() - datetime.timedelta(days=10),
        }
    ]


def test_the_card_names_the_ways_to_pay_only_when_searched(client, payers):
    text = text_of(client.get(SEARCH_URL + "?payment=superbill"))
    # The searched way first, then the others stated.
    assert "Pay Superbill on request, Itemised receipt for HSA/FSA" in text
    text = text_of(client.get(SEARCH_URL + "?payment=hsa-fsa"))
    assert "Pay Itemised receipt for HSA/FSA" in text
    assert "Pay Insurance plans" not in text  # the insured one does not match
    assert "Pay " not in text_of(client.get(SEARCH_URL + "?near=10001"))


def test_naming_the_ways_to_pay_costs_no_query_per_card(
    client, payers, django_assert_max_num_queries
):
    for therapist in payers:
        Therapist.objects.filter(pk=therapist.pk).update(
            payment_bits=payment.mask_of(["hsa-fsa", "superbill", "auto-injury"])
        )
    with django_assert_max_num_queries(budgets.SEARCH_PAGE):
        response = client.get(SEARCH_URL + "?payment=hsa-fsa&near=10001")
    assert text_of(response).count("Pay Itemised receipt for HSA/FSA") == 4
