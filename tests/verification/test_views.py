"""The staff pages: deciding on credentials one at a time on the review page, or
in bulk from the queue. Each decision moves the badge and is recorded in the audit
trail."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from therapists.models import Therapist
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("verification:queue")
DASHBOARD_URL = reverse("dashboard:home")
REASON = "The number is not on the New York board's roster."


@pytest.fixture
def verifier_client(client, verifier):
    client.force_login(verifier)
    return client


@pytest.fixture
def pending(therapist):
    return factories.make_credential(
        therapist,
        number="MT-200001",
        status=Credential.Status.PENDING,
        expires_on=timezone.localdate() + datetime.timedelta(days=400),
    )


def review_url(credential) -> str:
    return reverse("verification:review", args=[credential.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


def card_for(page: str, therapist) -> str:
    """The search result card of one therapist."""
    start = page.index(f'aria-labelledby="t-{therapist.pk}"')
    return page[start : page.index("</article>", start)]


def assert_still_pending(credential):
    credential.refresh_from_db()
    assert credential.status == Credential.Status.PENDING
    assert credential.verified_by is None
    assert credential.verified_at is None
    assert credential.verification_method == ""
    assert not CredentialEvent.objects.filter(credential_id=credential.pk).exists()


# --- the review page -------------------------------------------------------------


def test_approving_without_a_method_shows_the_error_next_to_the_method_field(
    verifier_client, pending
):
    response = verifier_client.post(
        review_url(pending),
        {"decision": "approve", "method": "", "note": "Looks right."},
    )

    assert response.status_code == 200
    assert (
        '<p class="field__error" id="id_method_error">'
        "Say how you verified it before approving.</p>" in text(response)
    )
    assert_still_pending(pending)


def test_rejecting_without_a_reason_shows_the_error_next_to_the_reason_field(
    verifier_client, pending
):
    response = verifier_client.post(
        review_url(pending),
        {"decision": "reject", "method": "", "note": ""},
    )

    assert response.status_code == 200
    assert (
        '<p class="field__error" id="id_note_error">This field is required.</p>'
        in text(response)
    )
    assert_still_pending(pending)


def test_approving_records_who_when_and_how(verifier_client, verifier, pending):
    pending.roster_flag = "Colorado roster: board status is “Expired”"
    pending.save()
    before = timezone.now()

    response = verifier_client.post(
        review_url(pending),
        {
            "decision": "approve",
            "method": Credential.Method.BOARD_WEBSITE,
            "note": "Active on the board's licence lookup.",
        },
        follow=True,
    )

    assert response.redirect_chain == [(QUEUE_URL, 302)]
    assert f"{pending} approved." in text(response)
    pending.refresh_from_db()
    assert pending.status == Credential.Status.VERIFIED
    assert pending.verified_by == verifier
    assert before <= pending.verified_at <= timezone.now()
    assert pending.verification_method == Credential.Method.BOARD_WEBSITE
    assert pending.status_note == ""
    # Staff who approve have looked into what the roster flagged.
    assert pending.roster_flag == ""


def test_approving_on_the_review_page_runs_at_most_20_statements(
    verifier_client, therapist, pending, django_assert_max_num_queries
):
    # The budget for one approval. It takes 13 or 14: the session, the user, two
    # permission lookups and the credential; a savepoint and its release; the
    # credential's update and its event; the badge and counts, the location
    # copies, the site mean (when the cache is cold) and the score (read, write).
    with django_assert_max_num_queries(20):
        response = verifier_client.post(
            review_url(pending),
            {"decision": "approve", "method": "document_review", "note": "Matches."},
        )

    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.badge_valid_until == pending.expires_on


def test_approving_records_an_event_with_the_old_and_new_values(
    verifier_client, verifier, pending
):
    verifier_client.post(
        review_url(pending),
        {
            "decision": "approve",
            "method": Credential.Method.BOARD_WEBSITE,
            "note": "Active on the board's licence lookup.",
        },
    )

    event = CredentialEvent.objects.get(credential_id=pending.pk)
    assert event.action == CredentialEvent.Action.APPROVED
    assert event.actor == verifier
    assert event.method == Credential.Method.BOARD_WEBSITE
    assert event.note == "Active on the board's licence lookup."
    assert event.old_values["status"] == "pending"
    assert event.old_values["verification_method"] == ""
    assert event.new_values["status"] == "verified"
    assert event.new_values["verification_method"] == "board_website"
    assert event.new_values["number"] == "MT-200001"
    assert event.new_values["expires_on"] == pending.expires_on.isoformat()


def test_approval_gives_the_badge_on_the_profile_and_the_search_page(
    client, verifier, therapist, pending
):
    profile_url = therapist.get_absolute_url()
    list_url = reverse("therapists:list")
    assert therapist not in Therapist.objects.verified()
    assert "badge--verified" not in client.get(profile_url).text
    assert "badge--verified" not in card_for(client.get(list_url).text, therapist)

    client.force_login(verifier)
    client.post(
        review_url(pending),
        {"decision": "approve", "method": "document_review", "note": "Scan matches."},
    )
    client.logout()

    assert list(Therapist.objects.verified()) == [therapist]
    profile = client.get(profile_url).text
    assert 'class="badge badge--verified"' in profile
    assert "Verified</span>" in profile
    card = card_for(client.get(list_url).text, therapist)
    assert 'class="badge badge--verified"' in card
    assert "Verified</span>" in card


def test_rejecting_records_the_reason_for_the_therapist_to_see(
    client, verifier, therapist, pending
):
    client.force_login(verifier)

    client.post(
        review_url(pending),
        {"decision": "reject", "method": "", "note": REASON},
    )

    pending.refresh_from_db()
    assert pending.status == Credential.Status.REJECTED
    assert pending.status_note == REASON
    assert pending.verified_by is None
    assert pending.verified_at is None
    event = CredentialEvent.objects.get(credential_id=pending.pk)
    assert event.action == CredentialEvent.Action.REJECTED
    assert event.actor == verifier
    assert event.note == REASON
    assert event.old_values["status"] == "pending"
    assert event.new_values["status"] == "rejected"
    assert event.new_values["status_note"] == REASON

    client.force_login(therapist.user)
    dashboard = text(client.get(DASHBOARD_URL))
    assert f"Why it was not accepted: {REASON}" in dashboard


def test_rejecting_a_verified_credential_takes_the_badge_away(
    verifier_client, therapist
):
    credential = factories.make_credential(therapist, number="MT-200002")
    assert therapist in Therapist.objects.verified()

    verifier_client.post(
        review_url(credential),
        {"decision": "reject", "method": "board_website", "note": "Revoked."},
    )

    credential.refresh_from_db()
    assert credential.status == Credential.Status.REJECTED
    assert therapist not in Therapist.objects.verified()
    assert (
        "badge--verified" not in verifier_client.get(therapist.get_absolute_url()).text
    )


def test_review_page_shows_the_credentials_history(verifier_client, verifier, pending):
    verifier_client.post(
        review_url(pending),
        {"decision": "reject", "method": "", "note": "Scan unreadable."},
    )

    page = text(verifier_client.get(review_url(pending)))

    assert "<strong>Rejected</strong>" in page
    assert f"by {verifier.get_full_name()}" in page
    assert "“Scan unreadable.”" in page


# --- the queue -------------------------------------------------------------------


def test_queue_lists_pending_credentials_oldest_first(verifier_client, therapist):
    now = timezone.now()
    ages = {"MT-300001": 1, "MT-300002": 30, "MT-300003": 7}
    for number, days_old in ages.items():
        credential = factories.make_credential(
            therapist, number=number, status=Credential.Status.PENDING
        )
        Credential.objects.filter(pk=credential.pk).update(
            created_at=now - datetime.timedelta(days=days_old)
        )
    factories.make_credential(therapist, number="MT-300004")  # verified
    factories.make_credential(
        therapist, number="MT-300005", status=Credential.Status.REJECTED
    )

    page = verifier_client.get(QUEUE_URL).text

    positions = [page.index(number) for number in ("MT-300002", "MT-300003")]
    positions.append(page.index("MT-300001"))
    assert positions == sorted(positions)
    assert "MT-300004" not in page
    assert "MT-300005" not in page


def fill_queue(therapist, count: int, *, days_ago: int = 20, **fields) -> None:
    """`count` pending credentials submitted `days_ago`, in one statement."""
    submitted = timezone.now() - datetime.timedelta(days=days_ago)
    Credential.objects.bulk_create(
        Credential(
            therapist=therapist,
            kind=Credential.Kind.STATE_LICENCE,
            issuer="New York State Education Department",
            number=f"{fields.get('jurisdiction', 'NY')}-OLD-{days_ago}-{n:04d}",
            jurisdiction=fields.get("jurisdiction", "NY"),
            expires_on=timezone.localdate() + datetime.timedelta(days=400),
            status=Credential.Status.PENDING,
        )
        for n in range(count)
    )
    Credential.objects.filter(number__contains=f"-OLD-{days_ago}-").update(
        created_at=submitted
    )


def rows_of(page: str) -> list[str]:
    """The credential numbers the queue's table shows, in order."""
    return re.findall(r'aria-label="Select (\S+) for bulk approval"', page)


def test_search_by_number_finds_a_new_credential_on_the_first_page(
    verifier_client, therapist, other_therapist
):
    fill_queue(therapist, 110)
    new = factories.make_credential(
        other_therapist, number="MT-654321", status=Credential.Status.PENDING
    )

    whole_queue = text(verifier_client.get(QUEUE_URL))
    last_page = text(verifier_client.get(QUEUE_URL, {"page": 3}))
    found = text(verifier_client.get(QUEUE_URL, {"q": "654321"}))

    assert "Page 1 of 3" in whole_queue
    assert "MT-654321" not in rows_of(whole_queue)
    assert rows_of(last_page)[-1] == "MT-654321"
    assert rows_of(found) == ["MT-654321"]
    assert "1 credential matches your search" in found
    assert f'href="{review_url(new)}?q=654321"' in found


def test_newest_first_puts_the_new_credential_on_top(
    verifier_client, therapist, other_therapist
):
    fill_queue(therapist, 60)
    factories.make_credential(
        other_therapist, number="MT-654322", status=Credential.Status.PENDING
    )

    page = text(verifier_client.get(QUEUE_URL, {"sort": "newest"}))

    assert rows_of(page)[0] == "MT-654322"
    assert '<option value="newest" selected>Newest first</option>' in page


def test_filters_by_state_kind_and_waiting_time(verifier_client, therapist):
    fill_queue(therapist, 2, days_ago=1)
    fill_queue(therapist, 3, days_ago=9, jurisdiction="CO")
    fill_queue(therapist, 1, days_ago=30)

    def shown(**params) -> list[str]:
        return rows_of(verifier_client.get(QUEUE_URL, params).text)

    assert len(shown()) == 6
    assert shown(state="CO") == [f"CO-OLD-9-{n:04d}" for n in range(3)]
    assert shown(waiting="7") == [
        "NY-OLD-30-0000",
        *(f"CO-OLD-9-{n:04d}" for n in range(3)),
    ]
    assert shown(waiting="14", state="NY") == ["NY-OLD-30-0000"]
    assert shown(kind="board_certification") == []


def test_paging_keeps_the_search_and_filters(verifier_client, therapist):
    fill_queue(therapist, 60, days_ago=10)
    fill_queue(therapist, 60, days_ago=10, jurisdiction="CO")

    first = text(verifier_client.get(QUEUE_URL, {"state": "CO", "waiting": "7"}))
    second = text(
        verifier_client.get(QUEUE_URL, {"state": "CO", "waiting": "7", "page": 2})
    )

    assert "120 credentials" not in first
    assert "60 credentials match your search" in first
    assert "Page 1 of 2" in first
    assert 'href="?state=CO&waiting=7&page=2"' in first
    assert 'href="?state=CO&waiting=7&page=1"' in second
    assert len(rows_of(second)) == 10
    assert all(number.startswith("CO-") for number in rows_of(first + second))
    assert '<option value="CO" selected>Colorado</option>' in second


WAITED = "Choose how long they have waited from the list."
KIND = "Choose a kind of credential from the list."


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"waiting": "30"}, "waiting", WAITED),
        ({"state": "Narnia"}, "state", "Choose a state from the list."),
        ({"kind": "x", "page": "2"}, "kind", KIND),
        ({"sort": "created_at"}, "sort", "Choose an order from the list."),
        ({"q": "9" * 500}, "q", "Search with at most 100 characters."),
    ],
)  # fmt: skip
def test_a_bad_filter_value_is_explained_next_to_its_field(
    verifier_client, therapist, params, field, message
):
    fill_queue(therapist, 3)

    response = verifier_client.get(QUEUE_URL, params)

    assert response.status_code == 200
    page = text(response)
    assert f'<p class="field__error" id="id_{field}_error">{message}</p>' in page
    assert f'<a href="#id_{field}">' in page
    assert "The queue could not be searched." in page
    # Nothing shown rather than a list that ignores what was asked for.
    assert rows_of(page) == []
    assert "Nothing to verify." not in page


def test_a_search_that_matches_nothing_says_so(verifier_client, therapist):
    fill_queue(therapist, 3)

    page = text(verifier_client.get(QUEUE_URL, {"q": "Nobody Atall"}))

    assert "No credential waiting matches this search." in page
    assert "Nothing to verify." not in page
    assert f'<a href="{QUEUE_URL}">see the whole queue</a>' in page


def test_bulk_approval_from_a_search_returns_to_the_search(verifier_client, therapist):
    fill_queue(therapist, 2, jurisdiction="CO")
    fill_queue(therapist, 2)
    picked = Credential.objects.get(number="CO-OLD-20-0000")

    response = verifier_client.post(
        f"{QUEUE_URL}?state=CO",
        {
            "credentials": [picked.pk],
            "method": Credential.Method.BOARD_ROSTER,
            "note": "On the Colorado roster.",
        },
        follow=True,
    )

    assert response.redirect_chain == [(f"{QUEUE_URL}?state=CO", 302)]
    assert rows_of(text(response)) == ["CO-OLD-20-0001"]
    picked.refresh_from_db()
    assert picked.status == Credential.Status.VERIFIED


def test_a_decision_from_a_search_returns_to_the_search(
    verifier_client, therapist, pending
):
    url = f"{review_url(pending)}?q=MT-2&state=NY&page=4&next=https://evil.example/"

    page = text(verifier_client.get(url))
    response = verifier_client.post(
        url, {"decision": "approve", "method": "document_review", "note": "Fine."}
    )

    back = f"{QUEUE_URL}?q=MT-2&state=NY"
    assert f'<a href="{back}">Credentials to verify</a>' in page
    assert response.status_code == 302
    assert response.url == back


def test_queue_runs_a_fixed_number_of_statements_however_many_rows(
    verifier_client, therapist, other_therapist, django_assert_max_num_queries
):
    fill_queue(therapist, 30)
    fill_queue(other_therapist, 30, days_ago=5)

    # The session, the user, two permission lookups, the nav's own-profile
    # lookup, the count and the rows; the staff idle timer's session write
    # (a savepoint, the update, its release).
    with django_assert_max_num_queries(10):
        response = verifier_client.get(QUEUE_URL, {"q": "OLD", "waiting": "3"})

    assert len(rows_of(text(response))) == 50


def test_queue_says_when_there_is_nothing_to_verify(verifier_client, therapist):
    factories.make_credential(therapist, number="MT-300006")

    page = verifier_client.get(QUEUE_URL).text

    assert "Nothing to verify." in page
    assert "MT-300006" not in page


def test_bulk_approval_approves_exactly_the_selected_credentials(
    verifier_client, verifier, therapist, other_therapist
):
    first = factories.make_credential(
        therapist, number="MT-400001", status=Credential.Status.PENDING
    )
    second = factories.make_credential(
        other_therapist, number="MT-400002", status=Credential.Status.PENDING
    )
    left = factories.make_credential(
        therapist,
        number="MT-400003",
        issuer="NCBTMB",
        kind=Credential.Kind.BOARD_CERTIFICATION,
        status=Credential.Status.PENDING,
    )

    response = verifier_client.post(
        QUEUE_URL,
        {
            "credentials": [first.pk, second.pk],
            "method": Credential.Method.BOARD_ROSTER,
            "note": "Checked against the March roster.",
        },
        follow=True,
    )

    assert response.redirect_chain == [(QUEUE_URL, 302)]
    page = text(response)
    assert "2 credential(s) approved." in page
    assert "MT-400003" in page
    assert "MT-400001" not in page
    for credential in (first, second):
        credential.refresh_from_db()
        assert credential.status == Credential.Status.VERIFIED
        assert credential.verified_by == verifier
        assert credential.verification_method == Credential.Method.BOARD_ROSTER
        event = CredentialEvent.objects.get(credential_id=credential.pk)
        assert event.action == CredentialEvent.Action.APPROVED
        assert event.actor == verifier
        assert event.method == Credential.Method.BOARD_ROSTER
        assert event.note == "Checked against the March roster."
        assert event.old_values["status"] == "pending"
        assert event.new_values["status"] == "verified"
    assert_still_pending(left)
    assert set(Therapist.objects.verified()) == {therapist, other_therapist}


def test_bulk_approval_with_nothing_selected_shows_an_error(verifier_client, therapist):
    credential = factories.make_credential(
        therapist, number="MT-400004", status=Credential.Status.PENDING
    )

    response = verifier_client.post(
        QUEUE_URL,
        {"method": Credential.Method.BOARD_ROSTER, "note": "Checked."},
    )

    assert response.status_code == 200
    assert '<p class="field__error">This field is required.</p>' in text(response)
    assert_still_pending(credential)


def test_bulk_approval_cannot_reach_a_credential_that_is_not_pending(
    verifier_client, therapist
):
    pending = factories.make_credential(
        therapist, number="MT-400005", status=Credential.Status.PENDING
    )
    rejected = factories.make_credential(
        therapist,
        number="MT-400006",
        status=Credential.Status.REJECTED,
        status_note="Forged.",
    )

    response = verifier_client.post(
        QUEUE_URL,
        {
            "credentials": [pending.pk, rejected.pk],
            "method": Credential.Method.BOARD_ROSTER,
            "note": "Checked.",
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice." in text(response)
    rejected.refresh_from_db()
    assert rejected.status == Credential.Status.REJECTED
    assert_still_pending(pending)
