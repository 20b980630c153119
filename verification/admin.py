from django.contrib import admin

from verification.models import CredentialEvent


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
