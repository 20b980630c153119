from django.contrib import admin
from django.db import transaction

from therapists.models import (
    Condition,
    Credential,
    PracticeLocation,
    Technique,
    Therapist,
    TherapistLanguage,
    TherapistTechnique,
)


@admin.register(Technique)
class TechniqueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "description"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class TherapistTechniqueInline(admin.TabularInline):
    model = TherapistTechnique
    extra = 0
    autocomplete_fields = ["technique"]


class TherapistLanguageInline(admin.TabularInline):
    model = TherapistLanguage
    extra = 0


class PracticeLocationInline(admin.StackedInline):
    model = PracticeLocation
    extra = 0


class CredentialInline(admin.TabularInline):
    model = Credential
    extra = 0
    fields = ["kind", "issuer", "number", "jurisdiction", "expires_on", "status"]
    show_change_link = True


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "is_published",
        "badge_valid_until",
        "qualification_score",
        "rating_average",
        "rating_count",
        "session_price",
        "accepting_new_clients",
    ]
    list_filter = [
        "is_published",
        "accepting_new_clients",
        "offers_mobile_visits",
        "wheelchair_accessible",
        "gender",
        "techniques",
    ]
    search_fields = ["display_name", "slug", "headline", "user__email"]
    prepopulated_fields = {"slug": ["display_name"]}
    raw_id_fields = ["user"]
    filter_horizontal = ["conditions"]
    readonly_fields = [
        "rating_count",
        "rating_average",
        "badge_valid_until",
        "qualification_score",
        "created_at",
        "updated_at",
    ]
    inlines = [
        TherapistTechniqueInline,
        TherapistLanguageInline,
        PracticeLocationInline,
        CredentialInline,
    ]
    list_per_page = 50
    show_full_result_count = False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Credentials edited inline move the badge and the score.
        form.instance.refresh_stats()


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
    raw_id_fields = ["therapist", "verified_by"]
    date_hierarchy = "created_at"
    list_select_related = ["therapist"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.therapist.refresh_stats()

    def delete_model(self, request, obj):
        therapist = obj.therapist
        super().delete_model(request, obj)
        therapist.refresh_stats()

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        therapists = list({credential.therapist for credential in queryset})
        super().delete_queryset(request, queryset)
        for therapist in therapists:
            therapist.refresh_stats()
