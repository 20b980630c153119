import pytest

from tests import factories

VERIFY = "verification.verify_credential"


@pytest.fixture
def therapist(db):
    """Dana Owner, practising in New York, where the factories' licences are
    issued: the badge needs a licence from a state where they practise."""
    therapist = factories.make_therapist(display_name="Dana Owner", slug="dana-owner")
    factories.make_location(therapist, "10001")
    return therapist


@pytest.fixture
def other_therapist(db):
    """Olive Other, practising in New York too."""
    therapist = factories.make_therapist(display_name="Olive Other", slug="olive-other")
    factories.make_location(therapist, "10001")
    return therapist


@pytest.fixture
def verifier(db):
    """Staff allowed to decide on credentials."""
    return factories.make_staff_user(
        username="verifier", first_name="Vera", permissions=[VERIFY]
    )


@pytest.fixture
def staff_without_permission(db):
    """Staff who may use the admin but not decide on credentials."""
    return factories.make_staff_user(username="plainstaff")
