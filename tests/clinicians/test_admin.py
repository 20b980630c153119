import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_the_clinician_admin_lists_and_cannot_delete(admin_client):
    clinician = factories.make_clinician()
    page = admin_client.get(reverse("admin:clinicians_clinician_changelist"))
    assert "Dr. Maya Chen" in page.content.decode()
    url = reverse("admin:clinicians_clinician_delete", args=[clinician.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
