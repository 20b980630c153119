import pytest

from tests import factories
from tests.interviews.helpers import QUESTIONS


@pytest.fixture
def moderator(db):
    """Staff allowed to read reported conversations, and nothing more."""
    return factories.make_staff_user(permissions=["interviews.review_abuse_report"])


@pytest.fixture
def plain_staff(db):
    """Staff without the permission to read reported conversations."""
    return factories.make_staff_user()


@pytest.fixture
def interview(therapist, client_user):
    """An open request from client_user to therapist, not yet read."""
    return factories.make_interview(
        therapist=therapist,
        client=client_user,
        questions=QUESTIONS,
        pain_where="Lower back, left side",
        contact_method="phone",
        phone="+1 212 555 0199",
    )
