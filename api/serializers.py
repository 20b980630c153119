"""What the API says about a therapist, a review and a term: only what the
public profile page shows. Never an email, a phone
number, a booking link, the way accepted clients reach them, credential
evidence or staff notes, and a home-based practice only at the precision the
profile shows (PracticeLocation.public_address, and the blurred point)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def absolute(request, url: str | None) -> str | None:
    """The absolute form of a site URL (None stays None)."""
    if not url:
        return None
    return request.build_absolute_uri(url) if request is not None else url


def file_url(field) -> str | None:
    """A file field's URL, or None when empty."""
    return field.url if field else None


class CodeLabelSerializer(serializers.Serializer):
    """One coded item: a search parameter's value and its words."""

    code = serializers.CharField()
    label = serializers.CharField()


class TermSerializer(serializers.Serializer):
    """A technique or condition: its slug is the search parameter's value."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)


class TechniqueOfferedSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="technique.slug")
    name = serializers.CharField(source="technique.name")
    years = serializers.IntegerField(help_text="Years practising this technique.")


class LocationSerializer(serializers.Serializer):
    """A practice location at the precision the profile shows."""

    name = serializers.CharField(allow_blank=True)
    address = serializers.CharField(
        source="public_address",
        help_text="As the profile shows it: a home-based practice's city and "
        "state only.",
    )
    street_address = serializers.SerializerMethodField(
        help_text="Null for a home-based practice (never shown)."
    )
    city = serializers.CharField()
    state = serializers.CharField()
    postal_code = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    home_based = serializers.BooleanField(
        source="is_home_based",
        help_text="A home-based practice: its point is blurred to about a "
        "kilometre and its street is never given.",
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_street_address(self, location) -> str | None:
        if location.is_home_based:
            return None
        return location.street_address or None


class RatingSummarySerializer(serializers.Serializer):
    """The stored review totals a result card shows."""

    average = serializers.FloatField(source="rating_average")
    count = serializers.IntegerField(source="rating_count")
    verified_client_count = serializers.IntegerField(source="verified_review_count")


class PriceSerializer(serializers.Serializer):
    minutes = serializers.IntegerField()
    price = serializers.IntegerField(help_text="US dollars.")


class TherapistSummarySerializer(serializers.Serializer):
    """One search result: what a result card shows."""

    slug = serializers.SlugField()
    name = serializers.CharField(source="display_name")
    headline = serializers.CharField()
    profile_url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    photo_thumbnail_url = serializers.SerializerMethodField()
    verified = serializers.BooleanField(
        source="has_badge",
        help_text="Holds the Verified badge: a current verified licence or "
        "board certification (the `verified` filter).",
    )
    accepting_new_clients = serializers.BooleanField()
    years_in_practice = serializers.IntegerField()
    back_pain_years = serializers.IntegerField()
    back_pain_caseload_percent = serializers.IntegerField()
    rating = RatingSummarySerializer(source="*")
    clinician_recommendation_count = serializers.IntegerField(
        help_text="Current recommendations from clinicians with a verified "
        "licence; never part of the stars."
    )
    qualification_score = serializers.FloatField()
    price = serializers.SerializerMethodField(
        help_text="The price of the session length searched (`length`, default "
        "60 minutes), or of the nearest length offered."
    )
    techniques = TechniqueOfferedSerializer(source="technique_links", many=True)
    access = serializers.ListField(source="access_codes", child=serializers.CharField())
    hours = serializers.SerializerMethodField()
    payment = serializers.ListField(
        source="payment_codes", child=serializers.CharField()
    )
    details_confirmed_on = serializers.DateField(allow_null=True)
    details_fresh = serializers.BooleanField(source="details_confirmation.fresh")
    locations = LocationSerializer(many=True)
    distance_miles = serializers.SerializerMethodField(
        help_text="Miles from `near` to the nearest location (null without `near`)."
    )

    def get_profile_url(self, therapist) -> str:
        return absolute(self.context.get("request"), therapist.get_absolute_url())

    def get_api_url(self, therapist) -> str:
        url = reverse("api:therapist-detail", kwargs={"slug": therapist.slug})
        return absolute(self.context.get("request"), url)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_photo_thumbnail_url(self, therapist) -> str | None:
        return absolute(
            self.context.get("request"), file_url(therapist.photo_thumbnail)
        )

    @extend_schema_field(PriceSerializer(allow_null=True))
    def get_price(self, therapist) -> dict | None:
        price = therapist.price_for(self.context.get("length"))
        return (
            None if price is None else {"minutes": price.minutes, "price": price.price}
        )

    def get_hours(self, therapist) -> list[str]:
        return [kind.code for kind in therapist.hours_kinds]

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_miles(self, therapist) -> float | None:
        miles = getattr(therapist, "distance_miles", None)
        return None if miles is None else round(miles, 2)


class ResponseSerializer(serializers.Serializer):
    body = serializers.CharField()
    answers_earlier_version = serializers.BooleanField()


class ReviewSerializer(serializers.Serializer):
    """A published review as the profile shows it: the author by first name
    and last initial only."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    body = serializers.CharField()
    verified_client = serializers.BooleanField(source="is_verified_client")
    condition = serializers.SerializerMethodField()
    sessions = serializers.IntegerField()
    would_recommend = serializers.BooleanField()
    author = serializers.CharField(source="author_display_name")
    created_at = serializers.DateTimeField()
    helpful_count = serializers.IntegerField()
    response = serializers.SerializerMethodField()

    @extend_schema_field(TermSerializer(allow_null=True))
    def get_condition(self, review) -> dict | None:
        if review.condition is None:
            return None
        return {
            "slug": review.condition.slug,
            "name": review.condition.name,
            "description": review.condition.description,
        }

    @extend_schema_field(ResponseSerializer(allow_null=True))
    def get_response(self, review) -> dict | None:
        response = getattr(review, "response", None)
        return None if response is None else ResponseSerializer(response).data


class CodeSerializer(serializers.Serializer):
    """A value of a coded search parameter and its words."""

    code = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField(allow_blank=True)


class ErrorSerializer(serializers.Serializer):
    """Every error: what went wrong, and for a 400 each bad parameter's messages."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="400 only: each bad parameter and its messages.",
    )


def page_serializer(name: str, item, *, paged: bool = True):
    """The schema of a list: `count` and `results`, and for a paged one the
    page, its links and whether the count stopped at its cap."""
    fields = {"count": serializers.IntegerField()}
    if paged:
        fields |= {
            "count_is_capped": serializers.BooleanField(
                help_text="There are more matches than `count`."
            ),
            "page": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
        }
        if item is TherapistSummarySerializer:
            fields["near"] = NearSerializer(allow_null=True)
    fields["results"] = item(many=True)
    return type(name, (serializers.Serializer,), fields)


class NearSerializer(serializers.Serializer):
    """Where `near` is, and the radius searched."""

    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    radius_miles = serializers.IntegerField()
