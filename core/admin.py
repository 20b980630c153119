"""Staff see the mail the worker could not send, and send it again; and the
scheduled jobs' runs, failures with their error. The task queue's own results
are in the admin too (django_tasks_db registers them, read-only)."""

from django.contrib import admin, messages

from core.models import OutgoingMail, ScheduledRun
from core.notifications import send_mail_task


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record staff read and never add, change or delete from the admin: the
    code that owns it writes it (a job's runs, an audit trail, an import)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    # Never the body: a confirmation or password-reset mail holds a sign-in link.
    fields = readonly_fields = (
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
    )
    list_display = ("subject", "to", "status", "attempts", "last_error", "created_at")
    list_filter = ("status",)
    search_fields = ("to", "subject")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("core.change_outgoingmail")

    @admin.action(description="Send again", permissions=["resend"])
    def send_again(self, request, queryset):
        """Queue another try of mail given up on (sent mail is left alone)."""
        keys = list(
            queryset.filter(status=OutgoingMail.Status.FAILED).values_list(
                "key", flat=True
            )
        )
        queryset.filter(key__in=keys).update(
            status=OutgoingMail.Status.QUEUED, attempts=0
        )
        for key in keys:
            send_mail_task.enqueue(str(key))
        self.message_user(
            request, f"{len(keys)} mail(s) queued again.", messages.SUCCESS
        )


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    """Read-only: the schedule writes these rows, staff read how each run went."""

    fields = readonly_fields = (
        "job",
        "slot",
        "status",
        "attempts",
        "outcome",
        "error",
        "enqueued_at",
        "finished_at",
        "task_result_id",
    )
    list_display = ("job", "slot", "status", "attempts", "result")
    list_filter = ("status", "job")
    search_fields = ("job", "error")
    ordering = ("-slot",)
    date_hierarchy = "slot"

    @admin.display(description="result")
    def result(self, run):
        """What the job did, or why it failed (a run that succeeded on a retry
        keeps the earlier error on its own page)."""
        if run.status == ScheduledRun.Status.SUCCEEDED:
            return run.outcome
        return run.error or "-"
