"""Either party reporting a conversation, and staff reading what was reported."""

import pytest
from django.urls import reverse

from tests.interviews.helpers import page, snapshot

pytestmark = pytest.mark.django_db

THANKS = "Thank you: our staff will read this conversation."
SAY_WHAT = "Say briefly what happened so our staff can help."


def report_url(interview):
    return reverse("interviews:report", kwargs={"pk": interview.pk})


@pytest.mark.parametrize("party", ["client", "therapist"])
def test_either_party_can_report_with_a_reason(
    client, client_user, therapist, interview, party
):
    client.force_login(client_user if party == "client" else therapist.user)
    response = client.post(
        report_url(interview), {"reason": "Kept pushing a package deal"}, follow=True
    )
    assert response.redirect_chain[-1][0] == interview.get_absolute_url()
    assert THANKS in page(response)
    interview.refresh_from_db()
    assert interview.reported_at is not None
    assert interview.report_reason == "Kept pushing a package deal"


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_report_without_a_reason_asks_for_one_and_changes_nothing(
    client, client_user, interview, reason
):
    client.force_login(client_user)
    before = snapshot(interview)
    response = client.post(report_url(interview), {"reason": reason}, follow=True)
    assert response.redirect_chain[-1][0] == interview.get_absolute_url()
    assert SAY_WHAT in page(response)
    assert THANKS not in page(response)
    assert snapshot(interview) == before


def test_over_long_reason_is_refused(client, client_user, interview):
    client.force_login(client_user)
    before = snapshot(interview)
    response = client.post(report_url(interview), {"reason": "x" * 501}, follow=True)
    assert SAY_WHAT in page(response)
    assert snapshot(interview) == before


def test_staff_with_the_permission_read_a_conversation_once_reported(
    client, client_user, moderator, interview
):
    client.force_login(moderator)
    assert client.get(interview.get_absolute_url()).status_code == 404

    client.force_login(client_user)
    client.post(report_url(interview), {"reason": "Asked for my home address"})

    client.force_login(moderator)
    response = client.get(interview.get_absolute_url())
    html = page(response)
    assert response.status_code == 200
    assert "Asked for my home address" in html
    assert "Lower back, left side" in html
    assert "How many clients with sciatica have you treated?" in html
    assert 'name="decision"' not in html
    assert "555 0199" not in html


def test_staff_without_the_permission_cannot_read_a_reported_conversation(
    client, client_user, plain_staff, interview
):
    client.force_login(client_user)
    client.post(report_url(interview), {"reason": "Asked for my home address"})
    client.force_login(plain_staff)
    assert client.get(interview.get_absolute_url()).status_code == 404


def test_staff_answering_a_reported_conversation_changes_nothing(
    client, therapist, moderator, interview
):
    interview.report_reason = "Spam"
    interview.reported_at = interview.created_at
    interview.save()
    before = snapshot(interview)
    client.force_login(moderator)
    first, second = interview.questions.all()
    response = client.post(
        interview.get_absolute_url(),
        {
            "decision": "declined",
            "message": "Closed by staff",
            f"answer_{first.pk}": "Staff answer",
            f"answer_{second.pk}": "Staff answer",
        },
    )
    assert response.status_code == 200
    assert "Send answers" not in page(response)
    assert snapshot(interview) == before


def test_parties_do_not_see_the_staff_report_banner(client, client_user, interview):
    interview.report_reason = "Spam from the therapist"
    interview.reported_at = interview.created_at
    interview.save()
    client.force_login(client_user)
    html = page(client.get(interview.get_absolute_url()))
    assert "Reported on" not in html


def test_the_reported_party_cannot_erase_the_report_against_them(
    client, client_user, therapist, moderator, interview
):
    client.force_login(client_user)
    client.post(report_url(interview), {"reason": "Asked for my home address"})
    client.force_login(therapist.user)
    client.post(report_url(interview), {"reason": "Nothing happened, ignore"})

    client.force_login(moderator)
    assert "Asked for my home address" in page(client.get(interview.get_absolute_url()))


def test_long_reports_from_both_parties_add_up_without_an_error(
    client, client_user, therapist, interview
):
    client.force_login(client_user)
    client.post(report_url(interview), {"reason": "a" * 500})
    client.force_login(therapist.user)
    response = client.post(report_url(interview), {"reason": "b" * 500})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.report_reason.startswith("a" * 500)
    assert interview.report_reason.endswith("b" * 500)
