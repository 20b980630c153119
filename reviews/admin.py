from django.contrib import admin
from django.db import transaction

from reviews import stats
from reviews.models import Review


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

    # Admin add/change/delete views run in a transaction, so the therapist's
    # stored aggregates move together with the review.
    def save_model(self, request, obj, form, change):
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
