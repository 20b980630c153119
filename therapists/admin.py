from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from therapists.models import (
    Condition,
    Credential,
    PracticeLocation,
    Technique,
    Therapist,
    TherapistLanguage,
    TherapistTechnique,
)
from verification.models import CredentialEvent
from verification.views import record_event, snapshot


def admin_action(old: dict, credential: Credential) -> str:
    """Which audit event an admin save of a credential is."""
    Action = CredentialEvent.Action
    if not old:
        return Action.SUBMITTED
    if old["status"] != credential.status:
        return {
            Credential.Status.VERIFIED: Action.APPROVED,
            Credential.Status.REJECTED: Action.REJECTED,
            Credential.Status.EXPIRED: Action.EXPIRED,
        }.get(credential.status, Action.REVOKED)
    return Action.EDITED


def refresh_therapists(*pks) -> None:
    """Refresh the stored aggregates of every therapist a change touched."""
    Therapist.objects.filter(pk__in=[pk for pk in pks if pk]).refresh_stats()


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
    """Credentials at a glance; decisions are made on the credential's own page,
    which records how and when it was verified."""

    model = Credential
    extra = 0
    fields = ["kind", "issuer", "number", "jurisdiction", "expires_on", "status"]
    readonly_fields = ["status"]
    show_change_link = True


class CredentialAdminForm(forms.ModelForm):
    class Meta:
        model = Credential
        # Evidence has no public URL to link to; staff open it from the review
        # page, which checks their permission.
        widgets = {"evidence": forms.FileInput}
        fields = [
            "therapist",
            *Credential.CLAIM_FIELDS,
            "evidence",
            "status",
            "verification_method",
            "status_note",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Credential.Status.VERIFIED and not cleaned.get(
            "verification_method"
        ):
            self.add_error(
                "verification_method",
                forms.ValidationError(
                    "Say how this credential was verified.", code="method_required"
                ),
            )
        return cleaned


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

    def delete_model(self, request, obj):
        Therapist.objects.filter(pk=obj.pk).forget_search_documents()
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        queryset.forget_search_documents()
        super().delete_queryset(request, queryset)

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
    raw_id_fields = ["therapist"]
    date_hierarchy = "created_at"
    list_select_related = ["therapist"]
    show_full_result_count = False
    form = CredentialAdminForm
    readonly_fields = ["verified_by", "verified_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("therapists.verify_credential"):
            # Only staff who may verify decide on a credential's status.
            fields += ["status", "verification_method"]
        return fields

    def save_model(self, request, obj, form, change):
        if obj.status == Credential.Status.VERIFIED and (
            "status" in form.changed_data or obj.verified_at is None
        ):
            obj.verified_by = request.user
            obj.verified_at = timezone.now()
        old = snapshot(Credential.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        if not change or form.changed_data:
            record_event(
                credential=obj,
                action=admin_action(old, obj),
                actor=request.user,
                method=obj.verification_method,
                note=obj.status_note,
                old=old,
            )
        refresh_therapists(obj.therapist_id, form.initial.get("therapist"))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        refresh_therapists(obj.therapist_id)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        therapist_ids = set(queryset.values_list("therapist_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_therapists(*therapist_ids)
