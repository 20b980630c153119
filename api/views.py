"""The API's views: read-only, the same answer for everyone (nothing of the
visitor is read, not even a session), so every 200 carries an ETag and
`Cache-Control: public`. Each view asks the app that owns a rule: the search
is therapists.search.search() with TherapistFilter's cleaned parameters, the
profile's therapist Therapist.objects.published(), reviews
ReviewListForm.page_of(), credentials Credential.objects.for_profile()."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from api import parameters
from api.errors import InvalidParameters
from api.parameters import CODED
from api.profile_serializers import TherapistDetailSerializer
from api.serializers import (
    CodeSerializer,
    ErrorSerializer,
    ReviewSerializer,
    TermSerializer,
    TherapistSummarySerializer,
    page_serializer,
)
from reviews import stats
from reviews.forms import ReviewListForm
from therapists import pricing, ranking
from therapists.filters import TherapistFilter
from therapists.models import Condition, Technique, Therapist
from therapists.search import PER_PAGE, search, treatments_of
from verification.models import Credential

# How long a client or a shared cache may reuse an answer without asking again.
MAX_AGE = 300
REVIEWS_PER_PAGE = 20
# The errors each kind of endpoint can give (all in one shape).
BAD_PARAMETERS = {400: ErrorSerializer, 429: ErrorSerializer}
NOT_FOUND = {404: ErrorSerializer, 429: ErrorSerializer}


class ReadOnlyView(APIView):
    """GET, HEAD and OPTIONS only; a 200 carries an ETag (a hash of its body)
    and Cache-Control, and a GET whose If-None-Match matches is a 304."""

    http_method_names = ["get", "head", "options"]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        set_response_etag(response)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return get_conditional_response(
            request._request, etag=response["ETag"], response=response
        )


def page_links(request, page) -> dict:
    """next and previous as absolute links keeping every other parameter."""
    url = request.build_absolute_uri()

    def link(number: int | None) -> str | None:
        if number is None:
            return None
        return replace_query_param(url, "page", number)

    return {
        "next": link(page.next_page_number() if page.has_next() else None),
        "previous": link(page.previous_page_number() if page.has_previous() else None),
    }


class IndexView(ReadOnlyView):
    """Where everything is."""

    @extend_schema(
        summary="The API's endpoints",
        tags=["index"],
        responses={
            200: inline_serializer(
                "Index",
                {
                    name: serializers.URLField()
                    for name in (
                        "therapists",
                        "techniques",
                        "conditions",
                        *CODED,
                        "schema",
                        "docs",
                    )
                },
            ),
            429: ErrorSerializer,
        },
    )
    def get(self, request):
        names = {
            "therapists": "api:therapist-list",
            "techniques": "api:techniques",
            "conditions": "api:conditions",
            **{kind: f"api:{kind}" for kind in CODED},
            "schema": "api:schema",
            "docs": "api:docs",
        }
        return Response(
            {
                name: request.build_absolute_uri(reverse(route))
                for name, route in names.items()
            }
        )


class TherapistListView(ReadOnlyView):
    """The search: every parameter of /therapists/, the same ranking."""

    @extend_schema(
        operation_id="therapists_search",
        tags=["therapists"],
        summary="Search therapists",
        description=(
            "The search page's search: the same parameters, validation, ranking "
            "and pages of 20. The count stops ten pages past the page asked for "
            "(at least 1,000): `count_is_capped` then says there are more. Bad "
            "parameters give a 400 with each one's messages in `errors`."
        ),
        parameters=parameters.search_parameters(),
        responses={200: page_serializer("TherapistPage", TherapistSummarySerializer)}
        | BAD_PARAMETERS,
    )
    def get(self, request):
        query, errors = parameters.read_flags(request.query_params)
        page_number, page_errors = parameters.read_page(query)
        errors |= page_errors
        filterset = TherapistFilter(query)
        if not filterset.is_valid():
            errors |= parameters.form_errors(filterset.form)
        if errors:
            raise InvalidParameters(errors)
        params = filterset.params()
        results = search(params, page_number, per_page=PER_PAGE)
        page, paginator = results.page, results.paginator
        context = {"request": request, "length": pricing.length_of(params)}
        return Response(
            {
                "count": min(paginator.count, paginator.cap),
                "count_is_capped": paginator.is_capped,
                "page": page.number,
                **page_links(request, page),
                "near": None
                if results.point is None
                else {
                    "latitude": results.point.latitude,
                    "longitude": results.point.longitude,
                    "radius_miles": results.radius,
                },
                "results": TherapistSummarySerializer(
                    page.object_list, many=True, context=context
                ).data,
            }
        )


class TherapistDetailView(ReadOnlyView):
    """One published therapist, as the public profile shows them."""

    @extend_schema(
        operation_id="therapist_profile",
        tags=["therapists"],
        summary="One therapist's public profile",
        description="Unpublished and unknown therapists alike are a 404.",
        responses={200: TherapistDetailSerializer} | NOT_FOUND,
    )
    def get(self, request, slug: str):
        therapists = (
            Therapist.objects.published()
            .for_profile()
            .with_opening_hours()
            .with_packages_and_plans()
            .prefetch_related(
                Prefetch("credentials", queryset=Credential.objects.for_profile())
            )
        )
        therapist = get_object_or_404(stats.with_recent_negative(therapists), slug=slug)
        techniques, conditions = treatments_of(therapist)
        context = {
            "request": request,
            "techniques": sorted(
                (t for t in techniques if t.chosen),
                key=lambda t: (-t.years, t.position),
            ),
            "conditions": [c for c in conditions if c.chosen],
            "summary": stats.summary_of(therapist),
            "ranked": ranking.explain(therapist),
        }
        return Response(TherapistDetailSerializer(therapist, context=context).data)


class ReviewListView(ReadOnlyView):
    """A published therapist's reviews, as the profile lists them."""

    @extend_schema(
        operation_id="therapist_reviews",
        tags=["therapists"],
        summary="One therapist's published reviews",
        description=(
            "The reviews the profile shows (never held or removed ones, never "
            "an earlier version), 20 a page, newest first by default. A page "
            "past the last gives the last page."
        ),
        parameters=parameters.review_parameters(),
        responses={200: page_serializer("ReviewPage", ReviewSerializer)}
        | BAD_PARAMETERS
        | NOT_FOUND,
    )
    def get(self, request, slug: str):
        therapist = get_object_or_404(
            Therapist.objects.published().only(
                "pk", "slug", "rating_count", "verified_review_count"
            ),
            slug=slug,
        )
        page_number, errors = parameters.read_page(request.query_params)
        form = ReviewListForm(
            request.query_params, conditions=Condition.objects.only("slug", "name")
        )
        if not form.is_valid():
            errors |= parameters.form_errors(form)
        if errors:
            raise InvalidParameters(errors)
        page = form.page_of(therapist, page_number, REVIEWS_PER_PAGE)
        return Response(
            {
                "count": page.paginator.count,
                "count_is_capped": False,
                "page": page.number,
                **page_links(request, page),
                "results": ReviewSerializer(page.object_list, many=True).data,
            }
        )


class TermListView(ReadOnlyView):
    """Every technique or every condition: the `technique` and `condition`
    parameters' values."""

    model: type = Technique

    @extend_schema(
        tags=["search values"],
        summary="The terms a search parameter takes",
        responses={
            200: page_serializer("TermList", TermSerializer, paged=False),
            429: ErrorSerializer,
        },
    )
    def get(self, request):
        terms = self.model.objects.only("slug", "name", "description")
        data = TermSerializer(terms, many=True).data
        return Response({"count": len(data), "results": data})


class CodeListView(ReadOnlyView):
    """The values one coded search parameter takes, with their words."""

    kind: str = "access"

    @extend_schema(
        tags=["search values"],
        summary="The codes a search parameter takes",
        responses={
            200: page_serializer("CodeList", CodeSerializer, paged=False),
            429: ErrorSerializer,
        },
    )
    def get(self, request):
        data = [
            {"code": code, "label": label, "description": description}
            for code, label, description in CODED[self.kind]
        ]
        return Response({"count": len(data), "results": data})


class NotFoundView(ReadOnlyView):
    """Any address under the API that is none of the above."""

    @extend_schema(exclude=True)
    def get(self, request):
        raise NotFound("No such endpoint: see /api/v1/.")


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our static files (drf-spectacular-sidecar), its script
    in a file of its own: no inline script or style, under the site's CSP."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    throttle_classes = []
