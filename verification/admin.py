from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from therapists.admin import TherapistAdmin
from therapists.models import Therapist
from verification import badges
from verification.decisions import record_event, snapshot
from verification.models import Credential, CredentialEvent


def admin_action(old: dict, credential: Credential) -> str:
    """Which audit event an admin save of a credential is."""
    Action = CredentialEvent.Action
    if not old:
        return Action.SUBMITTED
    if old["status"] != credential.status:
        return {
            Credential.Status.VERIFIED: Action.APPROVED,
            Credential.Status.REJECTED: Action.REJECTED,
            Credential.Status.EXPIRED: Action.EXPIRED,
        }.get(credential.status, Action.REVOKED)
    return Action.EDITED


def recount(*pks) -> None:
    """Recount the badge of every therapist an admin change touched."""
    badges.credentials_changed(pk for pk in pks if pk)


class CredentialInline(admin.TabularInline):
    """Credentials at a glance; decisions are made on the credential's own page,
    which records how and when it was verified."""

    model = Credential
    extra = 0
    fields = ["kind", "issuer", "number", "jurisdiction", "expires_on", "status"]
    readonly_fields = ["status"]
    show_change_link = True


class CredentialAdminForm(forms.ModelForm):
    class Meta:
        model = Credential
        # Evidence has no public URL to link to; staff open it from the review
        # page, which checks their permission.
        widgets = {"evidence": forms.FileInput}
        fields = [
            "therapist",
            *Credential.CLAIM_FIELDS,
            "evidence",
            "status",
            "verification_method",
            "status_note",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Credential.Status.VERIFIED and not cleaned.get(
            "verification_method"
        ):
            self.add_error(
                "verification_method",
                forms.ValidationError(
                    "Say how this credential was verified.", code="method_required"
                ),
            )
        return cleaned


# The therapist's admin page lists their credentials too: this app adds them.
admin.site.unregister(Therapist)


@admin.register(Therapist)
class TherapistWithCredentialsAdmin(TherapistAdmin):
    inlines = [*TherapistAdmin.inlines, CredentialInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Credentials edited inline move the badge and the score.
        recount(form.instance.pk)


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = [
        "therapist",
        "kind",
        "issuer",
        "number",
        "jurisdiction",
        "expires_on",
        "status",
        "verified_at",
    ]
    list_filter = ["status", "kind", "verification_method", "jurisdiction"]
    search_fields = ["number", "issuer", "therapist__display_name"]
    raw_id_fields = ["therapist"]
    date_hierarchy = "created_at"
    list_select_related = ["therapist"]
    show_full_result_count = False
    form = CredentialAdminForm
    readonly_fields = ["verified_by", "verified_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("verification.verify_credential"):
            # Only staff who may verify decide on a credential's status.
            fields += ["status", "verification_method"]
        return fields

    def save_model(self, request, obj, form, change):
        if obj.status == Credential.Status.VERIFIED and (
            "status" in form.changed_data or obj.verified_at is None
        ):
            obj.verified_by = request.user
            obj.verified_at = timezone.now()
        old = snapshot(Credential.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            record_event(
                credential=obj,
                action=admin_action(old, obj),
                actor=request.user,
                method=obj.verification_method,
                note=obj.status_note,
                old=old,
            )
        recount(obj.therapist_id, form.initial.get("therapist"))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        recount(obj.therapist_id)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        therapist_ids = set(queryset.values_list("therapist_id", flat=True))
        super().delete_queryset(request, queryset)
        recount(*therapist_ids)


@admin.register(CredentialEvent)
class CredentialEventAdmin(admin.ModelAdmin):
    """The audit trail, readable by staff and changeable by nobody."""

    fields = [
        "credential_id",
        "actor_id",
        "action",
        "method",
        "note",
        "old_values",
        "new_values",
        "created_at",
    ]
    list_display = [
        "created_at",
        "action",
        "credential_id",
        "actor_id",
        "method",
        "note",
    ]
    list_filter = ["action", "method"]
    search_fields = ["note"]
    date_hierarchy = "created_at"
    # Ids, not links: the credential or the staff account may since be deleted.
    readonly_fields = [
        "credential_id",
        "actor_id",
        "action",
        "method",
        "note",
        "old_values",
        "new_values",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
