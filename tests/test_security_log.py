"""Staff decisions reach the security log as events: who decided what about
which row, by id (never the claim's details or a review's text)."""

import logging

import pytest

from reviews import writing
from tests import factories
from verification import decisions
from verification.models import Credential

pytestmark = pytest.mark.django_db


def security_events(caplog) -> list:
    return [r for r in caplog.records if r.name == "security"]


def test_a_credential_decision_is_a_security_event(caplog, therapist):
    verifier = factories.make_staff_user(permissions=["verification.verify_credential"])
    credential = factories.make_credential(
        therapist, status=Credential.Status.PENDING, number="MT-424242"
    )

    with caplog.at_level(logging.INFO, logger="security"):
        decisions.decide(
            credential=credential,
            actor=verifier,
            approve=True,
            method=Credential.Method.DOCUMENT_REVIEW,
            note="Checked.",
        )

    (event,) = security_events(caplog)
    assert event.event == "credential_approved"
    assert (event.credential_id, event.therapist_id, event.actor_id) == (
        credential.pk,
        therapist.pk,
        verifier.pk,
    )
    assert "MT-424242" not in caplog.text


def test_a_moderation_decision_is_a_security_event(caplog, therapist):
    moderator = factories.make_staff_user(permissions=["reviews.moderate_review"])
    review = factories.make_review(therapist, body="My sciatica is much better now.")

    with caplog.at_level(logging.INFO, logger="security"):
        writing.moderate(
            review=review, actor=moderator, publish=False, reason="Off-topic."
        )

    (event,) = security_events(caplog)
    assert event.event == "review_removed"
    assert (event.review_id, event.actor_id) == (review.pk, moderator.pk)
    assert "sciatica" not in caplog.text
