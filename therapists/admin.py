from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from core import schedule
from core.files import delete_on_commit
from therapists import changes, pricing
from therapists.forms import TherapistAdminForm
from therapists.forms_hours import OpeningHoursForm, OpeningHoursFormSet
from therapists.models import (
    AcceptedPlan,
    Condition,
    InsurancePlan,
    OpeningHours,
    PracticeLocation,
    SessionPackage,
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
    # A plain select: a dozen techniques need no search, and an autocomplete
    # widget re-rendering a refused form looks its raw value up as an id.
    model = TherapistTechnique
    extra = 0


class TherapistLanguageInline(admin.TabularInline):
    model = TherapistLanguage
    extra = 0


class PracticeLocationInline(admin.StackedInline):
    model = PracticeLocation
    extra = 0


class SessionPackageInline(admin.TabularInline):
    model = SessionPackage
    extra = 0
    max_num = pricing.PACKAGES_MAX


class AcceptedPlanInline(admin.TabularInline):
    # The `insurance` payment bit follows these rows (save_related below).
    model = AcceptedPlan
    extra = 0


@admin.register(InsurancePlan)
class InsurancePlanAdmin(admin.ModelAdmin):
    # Real carriers only: a client checks the plan by this name.
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class OpeningHoursInline(admin.TabularInline):
    # The dashboard's formset: no overlaps, closing after opening.
    model = OpeningHours
    formset = OpeningHoursFormSet
    form = OpeningHoursForm
    extra = 0


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
        "pressure_lightest",
        "gender",
        "techniques",
    ]
    search_fields = ["display_name", "slug", "headline", "user__email"]
    prepopulated_fields = {"slug": ["display_name"]}
    raw_id_fields = ["user"]
    filter_horizontal = ["conditions"]
    form = TherapistAdminForm
    readonly_fields = [
        "photo_thumbnail",  # made from the photo
        "rating_count",
        "rating_average",
        "badge_valid_until",
        "qualification_score",
        # Only the therapist confirms their own details, never staff.
        "details_confirmed_on",
        # The therapist states and confirms their next opening themself.
        "next_opening_on",
        "next_opening_confirmed_on",
        # Stated by the therapist on their dashboard (therapists.comfort).
        "comfort_stated",
        "created_at",
        "updated_at",
    ]
    inlines = [
        TherapistTechniqueInline,
        TherapistLanguageInline,
        PracticeLocationInline,
        OpeningHoursInline,
        SessionPackageInline,
        AcceptedPlanInline,
    ]
    list_per_page = 50
    show_full_result_count = False
    # The list's "Rescore everyone" button (rerank_view).
    change_list_template = "admin/therapists/therapist/change_list.html"

    def get_urls(self):
        rerank = path(
            "rerank/",
            self.admin_site.admin_view(self.rerank_view),
            name="therapists_therapist_rerank",
        )
        return [rerank, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_rerank": self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context)

    @method_decorator(require_POST)
    def rerank_view(self, request):
        """Queue a rescore of everyone for the task worker (therapists.tasks):
        it takes minutes at 100,000 therapists, longer than a request may."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if schedule.waiting("rerank"):
            self.message_user(
                request,
                "Rescoring every therapist is already queued: nothing more to do. "
                "Its outcome will be listed under Scheduled runs.",
                messages.INFO,
            )
            return redirect("admin:therapists_therapist_changelist")
        schedule.start("rerank")
        self.message_user(
            request,
            "Rescoring every therapist is queued. Its outcome is listed under "
            "Scheduled runs.",
            messages.SUCCESS,
        )
        return redirect("admin:therapists_therapist_changelist")

    @admin.display(description="comfort and consent stated")
    def comfort_stated(self, obj):
        stated = obj.comfort_and_consent.stated
        return ", ".join(option.label for option in stated) or "Nothing stated"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        delete_on_commit(*form.replaced_files)

    def delete_model(self, request, obj):
        Therapist.objects.filter(pk=obj.pk).forget_search_documents()
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        queryset.forget_search_documents()
        super().delete_queryset(request, queryset)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The form may have moved publication, techniques or locations.
        changes.edited_by_staff(form.instance)
        changes.plans_changed(form.instance)
