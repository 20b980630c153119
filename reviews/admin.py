from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction

from reviews import sessions, stats
from reviews.forms import MODERATE_OWN, ReviewAdminForm
from reviews.models import Review, SessionRecord


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "therapist",
        "author",
        "rating",
        "status",
        "is_current",
        "is_verified_client",
        "created_at",
    ]
    list_filter = ["status", "is_current", "is_verified_client", "rating", "created_at"]
    search_fields = ["title", "body", "therapist__display_name", "author__username"]
    raw_id_fields = ["therapist", "author"]
    list_select_related = ["therapist", "author"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    form = ReviewAdminForm

    # Nobody decides on a review they wrote or one about their own profile: it
    # is read-only to them, and a delete that includes one is refused.
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.involves(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.involves(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        ids = [review.pk for review in objs]
        if Review.objects.filter(pk__in=ids).involving(request.user).exists():
            perms_needed.add("reviews you wrote or that are about your own profile")
        return deleted, model_count, perms_needed, protected

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    # Admin add/change/delete views run in a transaction, so the therapist's
    # stored aggregates move together with the review.
    def save_model(self, request, obj, form, change):
        if obj.involves(request.user):
            raise PermissionDenied(MODERATE_OWN)
        super().save_model(request, obj, form, change)
        # A review moved to another therapist changes both therapists' figures.
        stats.reviews_changed(
            pk for pk in (obj.therapist_id, form.initial.get("therapist")) if pk
        )

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        stats.reviews_changed([obj.therapist_id])

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        therapist_ids = set(queryset.values_list("therapist_id", flat=True))
        super().delete_queryset(request, queryset)
        stats.reviews_changed(therapist_ids)


@admin.register(SessionRecord)
class SessionRecordAdmin(admin.ModelAdmin):
    """Session records are made by the client and the therapist; staff only
    read them, and delete one that is false (the client's review is then marked
    afresh: reviews.sessions.forget_sessions())."""

    list_display = [
        "therapist",
        "client",
        "session_date",
        "recorded_by_client_at",
        "recorded_by_therapist_at",
    ]
    list_filter = ["session_date"]
    search_fields = ["therapist__display_name", "client__username", "client__email"]
    list_select_related = ["therapist", "client"]
    date_hierarchy = "session_date"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Not one's own: the staff member's sessions as client or therapist.
        if obj is not None and request.user.pk in (
            obj.client_id,
            obj.therapist.user_id,
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        ids = [record.pk for record in objs]
        if SessionRecord.objects.filter(pk__in=ids).involving(request.user).exists():
            perms_needed.add("session records of your own")
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        sessions.forget_sessions(SessionRecord.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        sessions.forget_sessions(queryset)
