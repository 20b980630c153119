from django.contrib import admin

from shortlist.models import ShortlistEntry


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "therapist", "created_at"]
    raw_id_fields = ["user", "therapist"]
