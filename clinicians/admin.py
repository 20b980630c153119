from django.contrib import admin

from clinicians.models import Clinician


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    """Clinicians' own details. Their licence is decided like any credential
    (the staff queue, or Credentials here); the verified date follows from it."""

    list_display = [
        "display_name",
        "profession",
        "practice_name",
        "city",
        "state",
        "verified_until",
    ]
    list_filter = ["profession", "state"]
    search_fields = ["display_name", "practice_name", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["verified_until", "created_at"]
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        # Deleting a clinician removes their recommendations, which moves the
        # therapists' counts: an account is deleted from "Your account", which
        # recounts them (accounts.data.delete_account()).
        return False
