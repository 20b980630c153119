import pytest

from tests import factories

VERIFY = "verification.verify_credential"


@pytest.fixture
def verifier(db):
    """Staff allowed to decide on credentials."""
    return factories.make_staff_user(
        username="verifier", first_name="Vera", permissions=[VERIFY]
    )
