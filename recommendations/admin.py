from django.contrib import admin, messages

from recommendations import writing
from recommendations.models import Recommendation


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    """Recommendations as clinicians wrote them. Staff change nothing a clinician
    said; they can withdraw one (recounted like the clinician's own withdrawal)."""

    list_display = ["clinician", "therapist", "created_at", "withdrawn_at"]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["clinician__display_name", "therapist__display_name"]
    list_select_related = ["clinician", "therapist"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = ["clinician", "therapist", "statement", "created_at", "withdrawn_at"]
    readonly_fields = fields
    actions = ["withdraw"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Withdrawn ones stay, as history; a deletion would skip the recount.
        return False

    @admin.action(description="Withdraw the selected recommendations")
    def withdraw(self, request, queryset):
        count = writing.withdraw_all(recommendations=queryset)
        messages.success(request, f"{count} recommendation(s) withdrawn.")
