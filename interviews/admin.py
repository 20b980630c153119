from django.contrib import admin

from core.admin import ReadOnlyAdmin
from interviews.models import InterviewMessage, InterviewQuestion, InterviewRequest


class InterviewQuestionInline(admin.TabularInline):
    model = InterviewQuestion
    extra = 0
    can_delete = False
    readonly_fields = ["position", "text", "answer"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever may read a reported conversation reads it whole.
        return request.user.has_perm("interviews.review_abuse_report")


class InterviewMessageInline(admin.TabularInline):
    """The thread, read-only: staff read a reported conversation whole."""

    model = InterviewMessage
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "author_side", "body"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever may read a reported conversation reads it whole.
        return request.user.has_perm("interviews.review_abuse_report")


@admin.register(InterviewRequest)
class InterviewRequestAdmin(ReadOnlyAdmin):
    """Conversations are private: staff see only reported ones, read-only."""

    list_display = ["therapist", "client", "status", "created_at", "reported_at"]
    list_filter = ["status", "reported_at"]
    search_fields = ["therapist__display_name", "report_reason"]
    list_select_related = ["therapist", "client"]
    # Passed on to the therapist alone: a report does not open them to staff.
    exclude = ["health_notes"]
    inlines = [InterviewQuestionInline, InterviewMessageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(reported_at__isnull=False)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("interviews.review_abuse_report")
