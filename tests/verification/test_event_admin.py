import pytest
from django.urls import reverse

from tests import factories
from verification.audit import record_event
from verification.models import CredentialEvent

pytestmark = pytest.mark.django_db


def test_audit_trail_is_readable_in_the_admin_even_after_the_credential_is_gone(
    admin_client,
):
    credential = factories.make_credential()
    event = record_event(credential=credential, action=CredentialEvent.Action.SUBMITTED)
    credential.delete()
    changelist_url = reverse("admin:verification_credentialevent_changelist")
    changelist = admin_client.get(changelist_url)
    assert changelist.status_code == 200
    detail = admin_client.get(
        reverse("admin:verification_credentialevent_change", args=[event.pk])
    )
    assert detail.status_code == 200
    assert "Submitted" in detail.text
    delete = reverse("admin:verification_credentialevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert CredentialEvent.objects.filter(pk=event.pk).exists()
