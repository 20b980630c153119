from django.contrib import admin

from core.admin import ReadOnlyAdmin
from therapists.admin import TherapistAdmin
from therapists.models import Therapist
from verification import badges, decisions
from verification.forms import (
    CredentialAdminForm,
    CredentialInlineForm,
    CredentialInlineFormSet,
)
from verification.models import Credential, CredentialEvent, RosterImport


class CredentialInline(admin.TabularInline):
    """Credentials at a glance; decisions are made on the credential's own page,
    which records how and when it was verified."""

    model = Credential
    form = CredentialInlineForm
    formset = CredentialInlineFormSet
    extra = 0
    fields = ["kind", "issuer", "number", "jurisdiction", "expires_on", "status"]
    readonly_fields = ["status"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset


# The therapist's admin page lists their credentials too: this app adds them.
admin.site.unregister(Therapist)


@admin.register(Therapist)
class TherapistWithCredentialsAdmin(TherapistAdmin):
    inlines = [*TherapistAdmin.inlines, CredentialInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The locations may have moved: the badge depends on where they practise.
        badges.practice_states_changed([form.instance.pk])

    def save_formset(self, request, form, formset, change):
        if formset.model is not Credential:
            return super().save_formset(request, form, formset, change)
        # Credentials added, edited or deleted inline are saved as on their own
        # admin page: recorded in the audit trail, their badge recounted.
        formset.save(commit=False)
        for credential in formset.deleted_objects:
            decisions.remove(credential=credential)
        for credential in formset.new_objects:
            decisions.save_in_admin(
                credential=credential, before=None, actor=request.user
            )
        for credential, _fields in formset.changed_objects:
            decisions.save_in_admin(
                credential=credential,
                before=Credential.objects.get(pk=credential.pk),
                actor=request.user,
            )


class HolderFilter(admin.SimpleListFilter):
    """Therapists' credentials or clinicians' licences."""

    title = "whose"
    parameter_name = "holder"

    def lookups(self, request, model_admin):
        return [("therapist", "Therapists'"), ("clinician", "Clinicians'")]

    def queryset(self, request, queryset):
        if self.value() == "therapist":
            return queryset.of_therapists()
        if self.value() == "clinician":
            return queryset.of_clinicians()
        return queryset


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = [
        "holder",
        "kind",
        "issuer",
        "number",
        "jurisdiction",
        "expires_on",
        "status",
        "verified_at",
    ]
    list_filter = [
        HolderFilter,
        "status",
        "kind",
        "verification_method",
        "jurisdiction",
    ]
    search_fields = [
        "number",
        "issuer",
        "therapist__display_name",
        "clinician__display_name",
    ]
    raw_id_fields = ["therapist", "clinician"]
    date_hierarchy = "created_at"
    list_select_related = ["therapist", "clinician"]
    show_full_result_count = False
    form = CredentialAdminForm
    # The board's status comes from roster imports, staff's decision on the
    # badge from the review page (recorded in the audit trail).
    readonly_fields = [
        "verified_by",
        "verified_at",
        "board_status",
        "board_source",
        "board_checked_on",
        "board_review",
    ]

    # Separation of duties: a member of staff's own credential is read-only to
    # them, and the form refuses to add one for them or move one onto them.
    @admin.display(description="therapist or clinician")
    def holder(self, obj):
        kind = "clinician" if obj.is_clinicians else "therapist"
        return f"{obj.holder} ({kind})"

    def has_change_permission(self, request, obj=None):
        if obj is not None and decisions.holds_any(request.user, [obj]):
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("verification.verify_credential"):
            # Only staff who may verify decide on a credential's status.
            fields += ["status", "verification_method"]
        return fields

    def save_model(self, request, obj, form, change):
        decisions.save_in_admin(
            credential=obj,
            before=Credential.objects.get(pk=obj.pk) if change else None,
            actor=request.user,
        )

    def delete_model(self, request, obj):
        decisions.remove(credential=obj)

    def delete_queryset(self, request, queryset):
        decisions.remove_all(credentials=queryset)


@admin.register(CredentialEvent)
class CredentialEventAdmin(ReadOnlyAdmin):
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


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    """Roster imports staff started, failures included, read-only: they are
    started, and tried again, from the staff pages (/staff/credentials/rosters/)."""

    # Not the file: private storage has no URL to link to.
    fields = [
        "issuer",
        "jurisdiction",
        "format",
        "columns",
        "source",
        "checked_on",
        "dry_run",
        "filename",
        "started_by",
        "status",
        "rows_done",
        "rows_total",
        "counts",
        "malformed",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields
    list_display = [
        "created_at",
        "issuer",
        "jurisdiction",
        "filename",
        "status",
        "rows_done",
        "rows_total",
        "dry_run",
    ]
    list_filter = ["status", "jurisdiction", "dry_run"]
    search_fields = ["issuer", "filename", "error"]
    date_hierarchy = "created_at"
    list_select_related = ["started_by"]
