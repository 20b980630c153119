"""Who may use the review queue, a credential's review page and its evidence.

Only staff granted "verification.verify_credential" may see or decide anything; every
refusal is checked to leave the credential and the audit trail untouched.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests import factories
from tests.verification.conftest import VERIFY
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("verification:queue")
LOGIN_URL = reverse("login")
REFUSED_ROLES = ["anonymous", "client", "owner", "staff_without_permission"]
EVIDENCE_BYTES = factories.make_pdf_bytes("Licence MT-100001")


@pytest.fixture
def pending(therapist):
    return factories.make_credential(
        therapist,
        number="MT-100001",
        status=Credential.Status.PENDING,
        evidence=ContentFile(EVIDENCE_BYTES, name="licence.pdf"),
    )


@pytest.fixture
def log_in_as(
    client, client_user, therapist, other_therapist, staff_without_permission
):
    def log_in_as(role):
        users = {
            "client": client_user,
            "owner": therapist.user,
            "other_therapist": other_therapist.user,
            "staff_without_permission": staff_without_permission,
        }
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return log_in_as


def review_url(credential) -> str:
    return reverse("verification:review", args=[credential.pk])


def evidence_url(credential) -> str:
    return reverse("dashboard:credential-evidence", args=[credential.pk])


def decision_data(**changes) -> dict:
    data = {
        "decision": "approve",
        "method": Credential.Method.BOARD_WEBSITE,
        "note": "Listed as active on the board's website.",
    }
    data.update(changes)
    return data


def bulk_data(*credentials) -> dict:
    return {
        "credentials": [credential.pk for credential in credentials],
        "method": Credential.Method.BOARD_ROSTER,
        "note": "Checked against the March roster.",
    }


def assert_untouched(credential):
    credential.refresh_from_db()
    assert credential.status == Credential.Status.PENDING
    assert credential.verified_by is None
    assert credential.verified_at is None
    assert not CredentialEvent.objects.filter(credential_id=credential.pk).exists()


# --- refused ---------------------------------------------------------------------


def assert_refused(response, role):
    """Anonymous visitors are sent to log in; logged-in people without the
    permission are refused."""
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_queue_is_forbidden_to_everyone_but_verifiers(log_in_as, pending, role):
    response = log_in_as(role).get(QUEUE_URL)

    assert_refused(response, role)
    assert "MT-100001" not in response.text
    assert "Credentials to verify" not in response.text


@pytest.mark.parametrize("role", [*REFUSED_ROLES, "other_therapist"])
def test_searching_the_queue_is_forbidden_to_everyone_but_verifiers(
    log_in_as, pending, role
):
    search = {"q": "MT-100001", "state": "NY", "kind": "state_licence"}

    for params in (search, {**search, "waiting": "3", "sort": "newest"}):
        response = log_in_as(role).get(QUEUE_URL, params)

        assert_refused(response, role)
        assert "MT-100001" not in response.text
        assert "Dana Owner" not in response.text


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_bulk_approval_by_anyone_but_a_verifier_is_refused_and_changes_nothing(
    log_in_as, pending, role
):
    response = log_in_as(role).post(QUEUE_URL, bulk_data(pending))

    assert_refused(response, role)
    assert_untouched(pending)


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_review_page_is_forbidden_to_everyone_but_verifiers(log_in_as, pending, role):
    response = log_in_as(role).get(review_url(pending))

    assert_refused(response, role)
    assert "MT-100001" not in response.text
    assert "Your decision" not in response.text


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_decision_by_anyone_but_a_verifier_is_refused_and_changes_nothing(
    log_in_as, pending, role
):
    response = log_in_as(role).post(review_url(pending), decision_data())

    assert_refused(response, role)
    assert_untouched(pending)


def test_owner_cannot_approve_their_own_credential_even_in_bulk(
    client, therapist, pending
):
    client.force_login(therapist.user)

    client.post(review_url(pending), decision_data())
    client.post(QUEUE_URL, bulk_data(pending))

    assert_untouched(pending)
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is None


def test_staff_without_permission_is_refused_for_a_missing_credential_too(
    client, staff_without_permission
):
    client.force_login(staff_without_permission)

    assert client.get(reverse("verification:review", args=[999999])).status_code == 403


# --- allowed ---------------------------------------------------------------------


def test_verifier_sees_the_queue(client, verifier, pending):
    client.force_login(verifier)

    response = client.get(QUEUE_URL)

    assert response.status_code == 200
    assert "Credentials to verify" in response.text
    assert "MT-100001" in response.text
    assert "Dana Owner" in response.text


def test_verifier_searches_the_queue(client, verifier, pending):
    client.force_login(verifier)

    response = client.get(QUEUE_URL, {"q": "mt-100001", "state": "NY"})

    assert response.status_code == 200
    assert "1 credential matches your search" in response.text
    assert "MT-100001" in response.text


def test_verifier_sees_the_review_page_with_claim_and_evidence_links(
    client, verifier, pending
):
    client.force_login(verifier)

    response = client.get(review_url(pending))

    assert response.status_code == 200
    assert "State licence of Dana Owner" in response.text
    assert "MT-100001" in response.text
    assert "Pending verification" in response.text
    assert f'href="{evidence_url(pending)}"' in response.text
    assert "?inline=1" not in response.text


def test_verifier_gets_404_for_a_missing_credential(client, verifier):
    client.force_login(verifier)

    assert client.get(reverse("verification:review", args=[999999])).status_code == 404


def test_verifier_decision_is_saved(client, verifier, pending):
    client.force_login(verifier)

    response = client.post(review_url(pending), decision_data())

    assert response.status_code == 302
    assert response.url == QUEUE_URL
    pending.refresh_from_db()
    assert pending.status == Credential.Status.VERIFIED
    assert pending.verified_by == verifier


def test_verifier_bulk_approval_is_saved(client, verifier, pending):
    client.force_login(verifier)

    response = client.post(QUEUE_URL, bulk_data(pending))

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Credential.Status.VERIFIED
    assert pending.verified_by == verifier


# --- evidence --------------------------------------------------------------------


def fetch_evidence(client, credential):
    response = client.get(evidence_url(credential), {"inline": "1"})
    body = b"".join(response.streaming_content) if response.streaming else b""
    response.close()
    return response, body


def test_verifier_who_may_view_credentials_downloads_evidence_even_asking_inline(
    client, pending
):
    # Staff see a PDF as page images (tests/verification/test_evidence.py); the
    # PDF itself never opens in the browser's viewer.
    client.force_login(
        factories.make_staff_user(permissions=[VERIFY, "verification.view_credential"])
    )

    response, body = fetch_evidence(client, pending)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    assert body == EVIDENCE_BYTES


def test_verifier_can_download_the_evidence_the_review_page_links_to(
    client, verifier, pending
):
    client.force_login(verifier)

    response, body = fetch_evidence(client, pending)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert body == EVIDENCE_BYTES


def test_staff_who_may_only_view_credentials_get_evidence_as_attachment(
    client, pending
):
    client.force_login(
        factories.make_staff_user(permissions=["verification.view_credential"])
    )

    response, body = fetch_evidence(client, pending)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert body == EVIDENCE_BYTES


def test_owner_gets_their_evidence_as_attachment_even_when_asking_inline(
    client, therapist, pending
):
    client.force_login(therapist.user)

    response, body = fetch_evidence(client, pending)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert body == EVIDENCE_BYTES


@pytest.mark.parametrize("who", ["client", "other_therapist", "plain_staff"])
def test_evidence_is_404_for_people_without_access(
    client, client_user, other_therapist, staff_without_permission, pending, who
):
    user = {
        "client": client_user,
        "other_therapist": other_therapist.user,
        "plain_staff": staff_without_permission,
    }[who]
    client.force_login(user)

    response, body = fetch_evidence(client, pending)

    assert response.status_code == 404
    assert EVIDENCE_BYTES not in response.content


def test_anonymous_asking_for_evidence_is_sent_to_log_in(client, pending):
    response, _ = fetch_evidence(client, pending)

    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
