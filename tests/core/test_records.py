"""The insert-only rule every audit trail inherits (core.records)."""

import pytest

from core.records import ImmutableRecord
from tests import factories
from verification.models import CredentialEvent


@pytest.mark.django_db
def test_a_stored_record_refuses_every_change_with_its_models_words():
    event = CredentialEvent.objects.create(
        credential=factories.make_credential(), action=CredentialEvent.Action.SUBMITTED
    )

    for change in (
        event.save,
        event.delete,
        lambda: CredentialEvent.objects.update(note="x"),
        CredentialEvent.objects.all().delete,
    ):
        with pytest.raises(ImmutableRecord, match="^Credential events cannot be"):
            change()
