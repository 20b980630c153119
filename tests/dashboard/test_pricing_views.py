"""The dashboard's prices and payment pages: who may use them, what bad input
says (and that it changes nothing), what saving stores and confirms, the
per-plan confirmation and the publication checklist's price item."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard import publication
from tests import factories
from therapists import payment
from therapists.models import AcceptedPlan, InsurancePlan, SessionPackage, Therapist

pytestmark = pytest.mark.django_db

PRICES_URL = reverse("dashboard:prices")
PAYMENT_URL = reverse("dashboard:payment")
HOME_URL = reverse("dashboard:home")


def plan(slug: str) -> InsurancePlan:
    return InsurancePlan.objects.get(slug=slug)


def prices_data(**overrides) -> dict:
    data = {
        "price_30": "",
        "price_45": "",
        "session_price": "120",
        "price_75": "",
        "price_90": "",
        "assessment_minutes": "",
        "assessment_price": "",
        "sliding_scale_note": "",
        "cancellation_notice_hours": "",
        "cancellation_fee": "",
        "packages-TOTAL_FORMS": "0",
        "packages-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def state(therapist: Therapist) -> tuple:
    """What the pages could write."""
    row = Therapist.objects.filter(pk=therapist.pk).values().get()
    row.pop("updated_at")
    return (
        row,
        list(SessionPackage.objects.filter(therapist=therapist).values()),
        list(AcceptedPlan.objects.filter(therapist=therapist).values()),
    )


def errors_of(response) -> list[str]:
    html = response.content.decode()
    return [
        re.sub(r"<[^>]+>", "", error).strip()
        for error in re.findall(r'<p class="field__error"[^>]*>(.*?)</p>', html)
    ]


@pytest.fixture
def owner(client, therapist):
    client.force_login(therapist.user)
    return therapist


# --- who may use them ------------------------------------------------------------


@pytest.mark.parametrize("url", [PRICES_URL, PAYMENT_URL])
def test_anonymous_visitors_are_sent_to_log_in(client, therapist, url):
    before = state(therapist)
    assert client.get(url)["Location"] == f"{reverse('login')}?next={url}"
    assert client.post(url, prices_data(price_90="150")).status_code == 302
    assert state(therapist) == before


@pytest.mark.parametrize("url", [PRICES_URL, PAYMENT_URL])
def test_clients_and_staff_without_a_profile_are_refused(
    client, client_user, staff_user, therapist, url
):
    before = state(therapist)
    for user in (client_user, staff_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, prices_data(price_90="150")).status_code == 403
    assert state(therapist) == before


def test_another_therapist_edits_only_their_own_prices(
    client, therapist, other_therapist
):
    before = state(therapist)
    client.force_login(other_therapist.user)
    assert client.post(PRICES_URL, prices_data(price_90="150")).status_code == 302
    assert Therapist.objects.get(pk=other_therapist.pk).price_90 == 150
    assert state(therapist) == before


def test_another_therapist_cannot_confirm_the_owners_plan(
    client, therapist, other_therapist
):
    accepted = AcceptedPlan.objects.create(
        therapist=therapist,
        plan=plan("aetna"),
        confirmed_on=datetime.date(2025, 1, 2),
    )
    client.force_login(other_therapist.user)
    url = reverse("dashboard:plan-confirm", kwargs={"pk": accepted.pk})
    assert client.post(url).status_code == 404
    accepted.refresh_from_db()
    assert accepted.confirmed_on == datetime.date(2025, 1, 2)


def test_confirming_a_plan_needs_a_post(client, owner):
    accepted = AcceptedPlan.objects.create(
        therapist=owner, plan=plan("aetna"), confirmed_on=datetime.date(2025, 1, 2)
    )
    url = reverse("dashboard:plan-confirm", kwargs={"pk": accepted.pk})
    assert client.get(url).status_code == 405
    accepted.refresh_from_db()
    assert accepted.confirmed_on == datetime.date(2025, 1, 2)


# --- the prices page ---------------------------------------------------------------


def test_the_owner_saves_every_length_a_package_and_the_policy(client, owner):
    response = client.post(
        PRICES_URL,
        prices_data(
            price_30="70",
            price_90="165",
            assessment_minutes="75",
            assessment_price="130",
            sliding_scale="on",
            sliding_scale_note="Pay what you can from $60.",
            cancellation_notice_hours="24",
            cancellation_fee="40",
            **{
                "packages-TOTAL_FORMS": "1",
                "packages-0-sessions": "5",
                "packages-0-minutes": "60",
                "packages-0-price": "540",
            },
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == HOME_URL
    owner.refresh_from_db()
    assert [p.words for p in owner.session_prices] == [
        "$70 · 30 min",
        "$120 · 60 min",
        "$165 · 90 min",
    ]
    assert owner.assessment_words == "First-visit assessment: 75 min, $130"
    assert owner.cancellation_words == "Cancel at least 24 hours ahead or pay $40"
    assert owner.sliding_scale_note == "Pay what you can from $60."
    assert [p.words for p in owner.packages.all()] == [
        "5 sessions of 60 min for $540 ($108 each)"
    ]
    # Saving confirms the details clients rely on, as the profile form does.
    assert owner.details_confirmed_on == timezone.localdate()


def test_a_therapist_may_offer_only_90_minutes(client, owner):
    client.post(PRICES_URL, prices_data(session_price="", price_90="150"))
    owner.refresh_from_db()
    assert owner.session_price is None
    assert owner.price_90 == 150
    assert publication.checklist(owner)[2] == {
        "label": "Set the price of at least one session length",
        "done": True,
        "anchor": "prices",
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"session_price": ""},
            "session_price",
            "Give the price of at least one session length.",
        ),
        (
            {"price_90": "0"},
            "price_90",
            "Enter a whole number of dollars from 1 to 2000, or leave it blank "
            "if you do not offer it.",
        ),
        (
            {"price_45": "abc"},
            "price_45",
            "Enter a whole number of dollars from 1 to 2000, or leave it blank "
            "if you do not offer it.",
        ),
        (
            {"assessment_minutes": "60"},
            "assessment_price",
            "Give the assessment's price too (0 if free), or clear its length.",
        ),
        (
            {"assessment_price": "90"},
            "assessment_minutes",
            "Give the assessment's length too, or clear its price.",
        ),
        (
            {"cancellation_fee": "40"},
            "cancellation_notice_hours",
            "Say how many hours ahead clients must cancel to avoid the fee.",
        ),
        (
            {"cancellation_notice_hours": "200"},
            "cancellation_notice_hours",
            "Enter the notice in hours: 0 to 168 (a week).",
        ),
        (
            {
                "packages-TOTAL_FORMS": "1",
                "packages-0-sessions": "1",
                "packages-0-minutes": "60",
                "packages-0-price": "100",
            },
            "packages-0-sessions",
            "Enter 2 to 20 sessions.",
        ),
        (
            {
                "packages-TOTAL_FORMS": "1",
                "packages-0-sessions": "5",
                "packages-0-minutes": "50",
                "packages-0-price": "100",
            },
            "packages-0-minutes",
            "Choose a session length from the list.",
        ),
    ],
)
def test_bad_input_says_what_is_wrong_next_to_the_field_and_changes_nothing(
    client, owner, data, field, message
):
    before = state(owner)
    response = client.post(PRICES_URL, prices_data(**data))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error">{message}</p>' in html.replace("&#x27;", "'")
    assert state(owner) == before


def test_more_packages_than_allowed_are_refused(client, owner):
    data = prices_data(**{"packages-TOTAL_FORMS": "4"})
    for n in range(4):
        data |= {
            f"packages-{n}-sessions": str(3 + n),
            f"packages-{n}-minutes": "60",
            f"packages-{n}-price": "300",
        }
    before = state(owner)
    response = client.post(PRICES_URL, data)
    assert response.status_code == 200
    assert state(owner) == before


def test_the_same_package_twice_is_refused(client, owner):
    data = prices_data(**{"packages-TOTAL_FORMS": "2"})
    for n in range(2):
        data |= {
            f"packages-{n}-sessions": "5",
            f"packages-{n}-minutes": "60",
            f"packages-{n}-price": "500",
        }
    response = client.post(PRICES_URL, data)
    assert "You already list a package of this many sessions" in (
        response.content.decode()
    )
    assert not SessionPackage.objects.exists()


def test_removing_every_price_of_a_published_profile_is_refused(client, owner):
    response = client.post(PRICES_URL, prices_data(session_price=""))
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.is_published and owner.session_price == 120


# --- the payment page ---------------------------------------------------------------


def test_the_owner_ticks_ways_and_chooses_plans(client, owner):
    response = client.post(
        PAYMENT_URL,
        {
            "ways": ["hsa-fsa", "superbill"],
            "plans": [plan("aetna").pk, plan("cigna").pk],
        },
    )
    assert response["Location"] == HOME_URL
    owner.refresh_from_db()
    assert owner.payment_codes == ["hsa-fsa", "superbill", "insurance"]
    assert [(p.name, p.confirmed_on) for p in owner.accepted_plan_list] == [
        ("Aetna", timezone.localdate()),
        ("Cigna", timezone.localdate()),
    ]
    assert owner.details_confirmed_on == timezone.localdate()
    # Dropping every plan drops the insurance item; the ticks stay.
    client.post(PAYMENT_URL, {"ways": ["superbill"]})
    owner.refresh_from_db()
    assert owner.payment_codes == ["superbill"]
    assert not owner.accepted_plans.exists()


def test_keeping_a_plan_keeps_its_confirmation_date(client, owner):
    AcceptedPlan.objects.create(
        therapist=owner, plan=plan("aetna"), confirmed_on=datetime.date(2025, 3, 4)
    )
    client.post(PAYMENT_URL, {"plans": [plan("aetna").pk, plan("humana").pk]})
    dates = dict(owner.accepted_plans.values_list("plan__slug", "confirmed_on"))
    assert dates == {"aetna": datetime.date(2025, 3, 4), "humana": timezone.localdate()}


def test_insurance_cannot_be_ticked_without_a_plan(client, owner):
    response = client.post(PAYMENT_URL, {"ways": ["insurance"]})
    assert response.status_code == 200
    assert "Choose from the list." in response.content.decode()
    owner.refresh_from_db()
    assert owner.payment_bits == 0


@pytest.mark.parametrize(
    "data",
    [
        {"ways": ["cash"]},
        {"plans": ["999999"]},
        {"plans": ["abc"]},
        {"plans": ["99999999999999999999999"]},
    ],
)
def test_bad_payment_input_changes_nothing(client, owner, data):
    before = state(owner)
    response = client.post(PAYMENT_URL, data)
    assert response.status_code == 200
    assert errors_of(response)
    assert state(owner) == before


def test_the_owner_confirms_a_plan_today(client, owner):
    accepted = AcceptedPlan.objects.create(
        therapist=owner, plan=plan("tricare"), confirmed_on=datetime.date(2024, 5, 6)
    )
    page = client.get(PAYMENT_URL).content.decode()
    assert "Tricare, last confirmed May 6, 2024 (over a year ago)" in page
    url = reverse("dashboard:plan-confirm", kwargs={"pk": accepted.pk})
    assert client.post(url)["Location"] == HOME_URL
    accepted.refresh_from_db()
    assert accepted.confirmed_on == timezone.localdate()


def test_the_payment_page_shows_what_clients_read(client, owner):
    page = client.get(PAYMENT_URL).content.decode()
    for item in payment.ITEMS:
        assert item.check.replace("'", "&#x27;") in page


# --- the dashboard home --------------------------------------------------------------


def test_the_home_page_links_both_pages_and_shows_the_prices(client, owner):
    Therapist.objects.filter(pk=owner.pk).update(price_90=170)
    page = client.get(HOME_URL).content.decode()
    assert f'href="{PRICES_URL}"' in page
    assert f'href="{PAYMENT_URL}"' in page
    assert "$120 · 60 min" in page and "$170 · 90 min" in page


def test_the_checklist_needs_a_price_for_some_length(owner):
    Therapist.objects.filter(pk=owner.pk).update(session_price=None)
    owner.refresh_from_db()
    item = publication.checklist(owner)[2]
    assert item["label"] == "Set the price of at least one session length"
    assert item["done"] is False
    Therapist.objects.filter(pk=owner.pk).update(price_45=90)
    owner.refresh_from_db()
    assert publication.checklist(owner)[2]["done"] is True


def test_a_new_therapist_can_open_both_pages(client):
    user = factories.make_user(username="newbie")
    Therapist.objects.create_draft(user=user)
    client.force_login(user)
    assert client.get(PRICES_URL).status_code == 200
    assert client.get(PAYMENT_URL).status_code == 200
