"""The audit trail: rows are only ever added, outlive their credential, and every
path that changes a credential (admin, dashboard) adds one."""

import datetime
import html
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from core.records import ImmutableRecord
from tests import factories
from therapists.models import Therapist
from verification.audit import record_event
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(therapist):
    return factories.make_credential(
        therapist,
        number="MT-500001",
        status=Credential.Status.PENDING,
        issued_on=datetime.date(2021, 3, 1),
        expires_on=timezone.localdate() + datetime.timedelta(days=300),
        evidence=ContentFile(factories.make_pdf_bytes(), name="licence.pdf"),
    )


@pytest.fixture
def event(therapist, credential):
    return record_event(
        credential=credential,
        action=CredentialEvent.Action.SUBMITTED,
        actor=therapist.user,
        note="First submission.",
    )


def assert_event_unchanged(event):
    stored = CredentialEvent.objects.get(pk=event.pk)
    assert stored.action == CredentialEvent.Action.SUBMITTED
    assert stored.note == "First submission."


# --- immutability ----------------------------------------------------------------


def test_saving_an_existing_event_raises_and_keeps_the_row(event):
    event.note = "Quietly rewritten."

    with pytest.raises(ImmutableRecord):
        event.save()

    assert_event_unchanged(event)


def test_deleting_an_event_raises_and_keeps_the_row(event):
    with pytest.raises(ImmutableRecord):
        event.delete()

    assert_event_unchanged(event)


def test_queryset_update_of_events_raises_and_keeps_the_rows(event):
    with pytest.raises(ImmutableRecord):
        CredentialEvent.objects.filter(pk=event.pk).update(note="Rewritten.")

    assert_event_unchanged(event)


def test_queryset_delete_of_events_raises_and_keeps_the_rows(event):
    with pytest.raises(ImmutableRecord):
        CredentialEvent.objects.all().delete()

    assert_event_unchanged(event)


def test_bulk_update_of_events_raises_and_keeps_the_rows(event):
    event.note = "Rewritten."

    # bulk_update() runs inside atomic(savepoint=False); a savepoint of our own
    # keeps the test's transaction usable after the error.
    with pytest.raises(ImmutableRecord), transaction.atomic():
        CredentialEvent.objects.bulk_update([event], ["note"])

    assert_event_unchanged(event)


def test_events_outlive_the_deleted_credential(event, credential):
    credential_pk = credential.pk

    credential.delete()

    assert not Credential.objects.filter(pk=credential_pk).exists()
    stored = CredentialEvent.objects.get(pk=event.pk)
    assert stored.credential_id == credential_pk
    assert stored.new_values["number"] == "MT-500001"


def test_events_outlive_a_credential_the_therapist_removes_on_the_dashboard(
    client, therapist, event, credential
):
    client.force_login(therapist.user)

    response = client.post(reverse("dashboard:credential-delete", args=[credential.pk]))

    assert response.status_code == 302
    assert not Credential.objects.filter(pk=credential.pk).exists()
    assert CredentialEvent.objects.filter(credential_id=credential.pk).count() == 1


def test_events_outlive_the_deleted_therapist_and_user(therapist, event, credential):
    user_pk = therapist.user.pk

    therapist.user.delete()

    assert not Therapist.objects.filter(pk=therapist.pk).exists()
    stored = CredentialEvent.objects.get(pk=event.pk)
    assert stored.credential_id == credential.pk
    assert stored.actor_id == user_pk


def test_event_admin_offers_no_change_or_delete(rf, client, staff_user, event):
    if not admin.site.is_registered(CredentialEvent):
        client.force_login(staff_user)
        response = client.get(f"/admin/verification/credentialevent/{event.pk}/change/")
        assert response.status_code == 404
        return
    model_admin = admin.site.get_model_admin(CredentialEvent)
    request = rf.get("/admin/")
    request.user = staff_user  # a superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    client.force_login(staff_user)
    client.post(
        reverse("admin:verification_credentialevent_delete", args=[event.pk]),
        {"post": "yes"},
    )
    assert_event_unchanged(event)


# --- the credential admin --------------------------------------------------------


def admin_data(credential, **changes) -> dict:
    data = {
        "therapist": credential.therapist_id,
        "kind": credential.kind,
        "issuer": credential.issuer,
        "number": credential.number,
        "jurisdiction": credential.jurisdiction,
        "issued_on": str(credential.issued_on or ""),
        "expires_on": str(credential.expires_on or ""),
        "status": credential.status,
        "verification_method": credential.verification_method,
        "status_note": credential.status_note,
        "_save": "Save",
    }
    data.update(changes)
    return data


@pytest.fixture
def claimed(therapist):
    """A pending licence submitted without a document (staff may add one)."""
    return factories.make_credential(
        therapist,
        number="MT-500010",
        status=Credential.Status.PENDING,
        issued_on=datetime.date(2021, 3, 1),
        expires_on=timezone.localdate() + datetime.timedelta(days=300),
    )


@pytest.fixture
def admin_editor(db):
    """Staff who may view and edit credentials in the admin, but not verify them."""
    return factories.make_staff_user(
        username="editor",
        permissions=["verification.view_credential", "verification.change_credential"],
    )


def test_staff_without_permission_sees_status_read_only_in_the_admin(
    client, admin_editor, claimed
):
    client.force_login(admin_editor)

    response = client.get(
        reverse("admin:verification_credential_change", args=[claimed.pk])
    )

    assert response.status_code == 200
    page = html.unescape(response.text)
    assert 'name="status"' not in page
    assert 'name="verification_method"' not in page
    assert 'name="number"' in page
    assert "Pending verification" in page


def test_staff_without_permission_cannot_verify_through_the_admin(
    client, admin_editor, claimed, therapist
):
    client.force_login(admin_editor)

    response = client.post(
        reverse("admin:verification_credential_change", args=[claimed.pk]),
        admin_data(claimed, status="verified", verification_method="board_website"),
    )

    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.status == Credential.Status.PENDING
    assert claimed.verified_by is None
    assert not CredentialEvent.objects.filter(
        credential_id=claimed.pk, action=CredentialEvent.Action.APPROVED
    ).exists()
    assert therapist not in Therapist.objects.verified()


def test_superuser_verifying_in_the_admin_records_an_approved_event(
    client, staff_user, claimed, therapist
):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:verification_credential_change", args=[claimed.pk]),
        admin_data(claimed, status="verified", verification_method="board_website"),
    )

    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.status == Credential.Status.VERIFIED
    assert claimed.verified_by == staff_user
    assert claimed.verified_at is not None
    event = CredentialEvent.objects.get(credential_id=claimed.pk)
    assert event.action == CredentialEvent.Action.APPROVED
    assert event.actor == staff_user
    assert event.method == "board_website"
    assert event.old_values["status"] == "pending"
    assert event.new_values["status"] == "verified"
    assert event.new_values["verification_method"] == "board_website"
    assert therapist in Therapist.objects.verified()


def test_admin_refuses_verified_without_a_method(client, staff_user, claimed):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:verification_credential_change", args=[claimed.pk]),
        admin_data(claimed, status="verified", verification_method=""),
    )

    assert response.status_code == 200
    assert "Say how this credential was verified." in response.text
    claimed.refresh_from_db()
    assert claimed.status == Credential.Status.PENDING
    assert not CredentialEvent.objects.filter(credential_id=claimed.pk).exists()


def test_admin_change_page_opens_for_a_credential_with_evidence(
    client, staff_user, credential
):
    client.force_login(staff_user)

    response = client.get(
        reverse("admin:verification_credential_change", args=[credential.pk])
    )

    assert response.status_code == 200
    assert 'name="status"' in response.text


def test_admin_deleting_a_credential_deletes_its_document_and_keeps_the_trail(
    client, staff_user, therapist, event, credential, django_capture_on_commit_callbacks
):
    path = Path(credential.evidence.path)
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:verification_credential_delete", args=[credential.pk]),
            {"post": "yes"},
        )

    assert response.status_code == 302
    assert not Credential.objects.filter(pk=credential.pk).exists()
    assert not path.exists()
    assert CredentialEvent.objects.filter(credential_id=credential.pk).count() == 1


# --- the credentials inline on the therapist's admin page -------------------------


def as_posted(response) -> dict:
    """What an admin change page posts back when saved without changes."""
    data = {"_save": "Save"}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {
            management[name].html_name: management[name].value()
            for name in (
                "TOTAL_FORMS",
                "INITIAL_FORMS",
                "MIN_NUM_FORMS",
                "MAX_NUM_FORMS",
            )
        }
        forms += inline.formset.forms
    for form in forms:
        for field in form:
            value = field.value()
            # An unchanged file input posts nothing.
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            if value is True:
                value = "on"
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            data[field.html_name] = value
    return data


@pytest.fixture
def therapist_page(client, staff_user, therapist, claimed):
    client.force_login(staff_user)
    url = reverse("admin:therapists_therapist_change", args=[therapist.pk])
    return url, as_posted(client.get(url))


def test_inline_claim_edit_is_recorded_and_keeps_the_status(
    client, staff_user, claimed, therapist_page
):
    url, data = therapist_page
    (number_field,) = [name for name in data if name.endswith("-number")]

    response = client.post(url, {**data, number_field: "MT-500011"})

    assert response.status_code == 302
    claimed.refresh_from_db()
    assert claimed.number == "MT-500011"
    assert claimed.status == Credential.Status.PENDING
    event = CredentialEvent.objects.get(credential_id=claimed.pk)
    assert event.action == CredentialEvent.Action.EDITED
    assert event.actor == staff_user
    assert event.old_values["number"] == "MT-500010"
    assert event.new_values["number"] == "MT-500011"


def test_inline_save_without_changes_records_nothing(client, claimed, therapist_page):
    url, data = therapist_page

    response = client.post(url, data)

    assert response.status_code == 302
    assert not CredentialEvent.objects.filter(credential_id=claimed.pk).exists()


def test_inline_delete_of_a_verified_credential_drops_the_badge(
    client, therapist, claimed, therapist_page
):
    verified = factories.make_credential(therapist, number="MT-500012")
    url = reverse("admin:therapists_therapist_change", args=[therapist.pk])
    data = as_posted(client.get(url))
    (row,) = [
        name.removesuffix("-number")
        for name, value in data.items()
        if name.endswith("-number") and value == "MT-500012"
    ]
    assert Therapist.objects.filter(pk=therapist.pk, verified_licence_count=1).exists()

    response = client.post(url, {**data, f"{row}-DELETE": "on"})

    assert response.status_code == 302
    assert not Credential.objects.filter(pk=verified.pk).exists()
    therapist.refresh_from_db()
    assert therapist.badge_valid_until is None
    assert therapist.verified_licence_count == 0


# --- the therapist's dashboard ---------------------------------------------------


def test_editing_a_verified_number_sends_it_back_to_pending_with_an_edited_event(
    client, therapist
):
    credential = factories.make_credential(
        therapist,
        number="MT-500002",
        issued_on=datetime.date(2021, 3, 1),
        expires_on=timezone.localdate() + datetime.timedelta(days=300),
        evidence=ContentFile(factories.make_pdf_bytes(), name="licence.pdf"),
    )
    assert therapist in Therapist.objects.verified()
    client.force_login(therapist.user)

    response = client.post(
        reverse("dashboard:credential-edit", args=[credential.pk]),
        {
            "kind": credential.kind,
            "issuer": credential.issuer,
            "number": "MT-500999",
            "jurisdiction": credential.jurisdiction,
            "issued_on": str(credential.issued_on),
            "expires_on": str(credential.expires_on),
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("dashboard:home"), 302)]
    assert "Pending verification" in response.text
    credential.refresh_from_db()
    assert credential.number == "MT-500999"
    assert credential.status == Credential.Status.PENDING
    assert credential.verified_at is None
    assert credential.verification_method == ""
    assert therapist not in Therapist.objects.verified()
    event = CredentialEvent.objects.get(credential_id=credential.pk)
    assert event.action == CredentialEvent.Action.EDITED
    assert event.actor == therapist.user
    assert event.old_values["number"] == "MT-500002"
    assert event.old_values["status"] == "verified"
    assert event.old_values["verification_method"] == "document_review"
    assert event.new_values["number"] == "MT-500999"
    assert event.new_values["status"] == "pending"
    assert event.new_values["verification_method"] == ""


def test_submitting_a_credential_on_the_dashboard_records_a_submitted_event(
    client, therapist
):
    client.force_login(therapist.user)
    expires = timezone.localdate() + datetime.timedelta(days=500)

    client.post(
        reverse("dashboard:credential-add"),
        {
            "kind": Credential.Kind.STATE_LICENCE,
            "issuer": "New York State Education Department",
            "number": "MT-500003",
            "jurisdiction": "ny",
            "expires_on": str(expires),
            "evidence": ContentFile(factories.make_pdf_bytes(), name="licence.pdf"),
        },
    )

    credential = Credential.objects.get(number="MT-500003")
    assert credential.status == Credential.Status.PENDING
    event = CredentialEvent.objects.get(credential_id=credential.pk)
    assert event.action == CredentialEvent.Action.SUBMITTED
    assert event.actor == therapist.user
    assert event.new_values["jurisdiction"] == "NY"
    assert event.new_values["expires_on"] == expires.isoformat()
