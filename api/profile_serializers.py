"""What the API says about one therapist beyond a search result: the public
profile's prices, hours, comfort, credentials (as the profile's panel shows
them), review aggregates and the score's explanation."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import (
    CodeLabelSerializer,
    PriceSerializer,
    TechniqueOfferedSerializer,
    TermSerializer,
    TherapistSummarySerializer,
    absolute,
    file_url,
)
from therapists import availability, comfort
from therapists.models import LANGUAGE_CHOICES


class AssessmentSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(source="assessment_minutes")
    price = serializers.IntegerField(source="assessment_price")


class CancellationSerializer(serializers.Serializer):
    notice_hours = serializers.IntegerField(source="cancellation_notice_hours")
    fee = serializers.IntegerField(source="cancellation_fee", allow_null=True)
    words = serializers.CharField(source="cancellation_words")


class PackageSerializer(serializers.Serializer):
    sessions = serializers.IntegerField()
    minutes = serializers.IntegerField()
    price = serializers.IntegerField(help_text="US dollars, for the whole package.")


class PlanSerializer(serializers.Serializer):
    name = serializers.CharField()
    confirmed_on = serializers.DateField()
    over_a_year_old = serializers.BooleanField(source="old")


class PricesSerializer(serializers.Serializer):
    sessions = PriceSerializer(source="session_prices", many=True)
    assessment = serializers.SerializerMethodField()
    sliding_scale = serializers.BooleanField()
    sliding_scale_note = serializers.CharField(allow_blank=True)
    cancellation = serializers.SerializerMethodField()
    packages = PackageSerializer(source="package_list", many=True)
    insurance_plans = PlanSerializer(source="accepted_plan_list", many=True)

    @extend_schema_field(AssessmentSerializer(allow_null=True))
    def get_assessment(self, therapist) -> dict | None:
        if therapist.assessment_minutes is None:
            return None
        return AssessmentSerializer(therapist).data

    @extend_schema_field(CancellationSerializer(allow_null=True))
    def get_cancellation(self, therapist) -> dict | None:
        if therapist.cancellation_notice_hours is None:
            return None
        return CancellationSerializer(therapist).data


class RangeSerializer(serializers.Serializer):
    opens = serializers.TimeField()
    closes = serializers.TimeField()


class DaySerializer(serializers.Serializer):
    day = serializers.CharField(source="name")
    ranges = RangeSerializer(many=True)


class NextOpeningSerializer(serializers.Serializer):
    on = serializers.DateField()
    confirmed_on = serializers.DateField()


class HoursSerializer(serializers.Serializer):
    week = DaySerializer(source="opening_week", many=True)
    note = serializers.SerializerMethodField()
    kinds = serializers.SerializerMethodField()
    next_opening = serializers.SerializerMethodField(
        help_text="Only a date still to come, confirmed in the last "
        f"{availability.NEXT_OPENING_FRESH_DAYS} days; else null (ask them)."
    )

    def get_note(self, therapist) -> str:
        return availability.LOCAL_TIME_NOTE

    def get_kinds(self, therapist) -> list[str]:
        return [kind.code for kind in therapist.hours_kinds]

    @extend_schema_field(NextOpeningSerializer(allow_null=True))
    def get_next_opening(self, therapist) -> dict | None:
        opening = therapist.next_opening
        if not opening.shown:
            return None
        return {"on": opening.on, "confirmed_on": opening.confirmed_on}


class ComfortSerializer(serializers.Serializer):
    pressure_lightest = serializers.IntegerField(
        source="lightest",
        allow_null=True,
        min_value=comfort.GENTLE,
        max_value=comfort.DEEP,
        help_text="1 gentle to 5 deep; null when not stated.",
    )
    pressure_firmest = serializers.IntegerField(
        source="firmest",
        allow_null=True,
        min_value=comfort.GENTLE,
        max_value=comfort.DEEP,
    )
    pressure_words = serializers.CharField(allow_blank=True)
    options = CodeLabelSerializer(source="stated", many=True)
    draping_policy = serializers.CharField(allow_blank=True)


class CredentialSerializer(serializers.Serializer):
    """A credential as the profile's panel shows it (no rejections: see
    CredentialQuerySet.for_profile()); never evidence or staff notes."""

    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    issuer = serializers.CharField()
    number = serializers.CharField()
    jurisdiction = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    verification_method = serializers.CharField(
        allow_blank=True, help_text="How staff verified it (blank unless verified)."
    )
    verified_on = serializers.SerializerMethodField()
    verification_summary = serializers.CharField(allow_blank=True)
    board_status = serializers.CharField(allow_blank=True)
    board_source = serializers.CharField(allow_blank=True)
    board_checked_on = serializers.DateField(allow_null=True)
    board_withholds_badge = serializers.BooleanField()

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_verified_on(self, credential):
        if (
            credential.status != credential.Status.VERIFIED
            or not credential.verified_at
        ):
            return None
        return timezone.localdate(credential.verified_at)


class StarsSerializer(serializers.Serializer):
    stars = serializers.IntegerField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField()


class AspectSerializer(serializers.Serializer):
    label = serializers.CharField()
    average = serializers.FloatField()


class ReviewSummarySerializer(serializers.Serializer):
    """The review aggregates (reviews.stats.ReviewSummary), as the profile."""

    count = serializers.IntegerField()
    average = serializers.FloatField()
    distribution = StarsSerializer(many=True, help_text="5 stars first.")
    positive_percent = serializers.IntegerField(help_text="Rated 4 or 5 stars.")
    would_recommend_percent = serializers.IntegerField(source="recommend_percent")
    verified_client_count = serializers.IntegerField(source="verified_count")
    verified_client_average = serializers.FloatField(source="verified_average")
    aspects = AspectSerializer(source="aspect_averages", many=True)
    consistently_positive = serializers.BooleanField(source="consistency.meets")


class ScorePartSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    points = serializers.FloatField()
    maximum = serializers.IntegerField()
    detail = serializers.CharField(allow_blank=True)


class ScoreSerializer(serializers.Serializer):
    """Why the therapist ranks where it does (therapists.ranking.explain())."""

    score = serializers.FloatField()
    maximum = serializers.IntegerField()
    parts = ScorePartSerializer(many=True)


class TherapistDetailSerializer(TherapistSummarySerializer):
    """One published therapist's public profile."""

    pronouns = serializers.CharField(allow_blank=True)
    bio = serializers.CharField(allow_blank=True)
    techniques = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()
    conditions = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    offers_mobile_visits = serializers.BooleanField()
    sessions_before_reassessing = serializers.IntegerField(allow_null=True)
    prices = PricesSerializer(source="*")
    payment_methods = serializers.SerializerMethodField()
    accessibility = serializers.SerializerMethodField()
    comfort = ComfortSerializer(source="comfort_and_consent")
    opening_hours = HoursSerializer(source="*")
    credentials = CredentialSerializer(many=True)
    reviews = serializers.SerializerMethodField()
    reviews_url = serializers.SerializerMethodField()
    ranking = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo_url(self, therapist) -> str | None:
        return absolute(self.context.get("request"), file_url(therapist.photo))

    @extend_schema_field(TechniqueOfferedSerializer(many=True))
    def get_techniques(self, therapist) -> list[dict]:
        # search.treatments_of(), as the profile: most years first.
        return [
            {"slug": t.slug, "name": t.name, "years": t.years or 0}
            for t in self.context["techniques"]
        ]

    @extend_schema_field(TermSerializer(many=True))
    def get_conditions(self, therapist) -> list[dict]:
        return TermSerializer(self.context["conditions"], many=True).data

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_languages(self, therapist) -> list[dict]:
        names = dict(LANGUAGE_CHOICES)
        codes = therapist.language_codes.split(",") if therapist.language_codes else []
        return sorted(
            ({"code": code, "label": str(names.get(code, code))} for code in codes),
            key=lambda language: language["label"],
        )

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_payment_methods(self, therapist) -> list[dict]:
        return CodeLabelSerializer(therapist.payment_stated, many=True).data

    @extend_schema_field(CodeLabelSerializer(many=True))
    def get_accessibility(self, therapist) -> list[dict]:
        return CodeLabelSerializer(therapist.access_checklist.stated, many=True).data

    @extend_schema_field(ReviewSummarySerializer)
    def get_reviews(self, therapist) -> dict:
        return ReviewSummarySerializer(self.context["summary"]).data

    def get_reviews_url(self, therapist) -> str:
        url = reverse("api:therapist-reviews", kwargs={"slug": therapist.slug})
        return absolute(self.context.get("request"), url)

    @extend_schema_field(ScoreSerializer)
    def get_ranking(self, therapist) -> dict:
        return ScoreSerializer(self.context["ranked"]).data
