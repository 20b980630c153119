"""The API's endpoints: the search answers as the search page does, one
therapist and their reviews as the profile shows them, the taxonomies, the
error shape, caching headers and the rate limit."""

import datetime

import pytest
from django.utils import timezone

from reviews.models import ReviewResponse
from tests import factories
from therapists.filters import TherapistFilter
from therapists.models import OpeningHours

pytestmark = pytest.mark.usefixtures("unlimited_api")

SEARCH = "/api/v1/therapists/"


def slugs(response) -> list[str]:
    return [result["slug"] for result in response.json()["results"]]


def page_slugs(client, query: dict) -> list[str]:
    """What the search page itself lists for the same parameters."""
    page = client.get("/therapists/", query).context["page_obj"]
    return [therapist.slug for therapist in page.object_list]


# --- the index and the taxonomies -----------------------------------------
def test_the_index_links_every_endpoint_and_the_docs(client, db):
    links = client.get("/api/v1/").json()
    assert links["therapists"] == "http://testserver/api/v1/therapists/"
    assert links["docs"] == "http://testserver/api/v1/docs/"
    assert links["schema"] == "http://testserver/api/v1/schema/"
    for name, url in links.items():
        path = url.removeprefix("http://testserver")
        if name != "docs":
            assert client.get(path).status_code == 200, name


def test_techniques_list_every_technique_with_its_slug(client, db):
    body = client.get("/api/v1/techniques/").json()
    by_slug = {term["slug"]: term["name"] for term in body["results"]}
    assert by_slug["deep-tissue"] == "Deep tissue massage"
    assert body["count"] == len(body["results"]) > 5


def test_coded_parameters_list_their_codes_and_words(client, db):
    access = client.get("/api/v1/access/").json()["results"]
    assert {"step-free", "parking"} <= {item["code"] for item in access}
    assert all(item["label"] and item["description"] for item in access)
    languages = client.get("/api/v1/languages/").json()["results"]
    assert {"code": "es", "label": "Spanish", "description": ""} in languages
    lengths = [
        item["code"] for item in client.get("/api/v1/lengths/").json()["results"]
    ]
    assert lengths == ["30", "45", "60", "75", "90"]


# --- the search --------------------------------------------------------------
@pytest.mark.parametrize("sort", ["best", "distance", "rating", "price"])
def test_search_ranks_exactly_as_the_search_page(client, world, sort):
    for n, (zip_code, ratings) in enumerate(
        [("10001", [3]), ("10003", [5, 5]), ("11201", [4, 2]), ("10019", [])]
    ):
        other = factories.make_therapist(slug=f"t-{n}", session_price=100 + n)
        factories.add_technique(other, "deep-tissue")
        factories.make_location(other, zip_code)
        factories.make_reviews(other, ratings)
    query = {"near": "10001", "technique": "deep-tissue", "sort": sort}
    response = client.get(SEARCH, query)
    assert response.status_code == 200
    assert slugs(response) == page_slugs(client, query)
    assert len(slugs(response)) == 5
    body = response.json()
    assert body["count"] == 5 and body["count_is_capped"] is False
    assert body["near"]["radius_miles"] == 25
    assert all(result["distance_miles"] < 25 for result in body["results"])


def test_search_without_near_has_no_distances(client, world):
    body = client.get(SEARCH).json()
    assert set(slugs_of(body)) == {"sam-studio", "hana-home"}
    assert all(result["distance_miles"] is None for result in body["results"])
    assert body["near"] is None


def slugs_of(body) -> list[str]:
    return [result["slug"] for result in body["results"]]


@pytest.mark.parametrize("value", ["on", "true", "1", "yes", "TRUE"])
def test_on_off_filters_take_on_true_and_1(client, world, value):
    factories.make_credential(world["home"], status="rejected")
    assert slugs(client.get(SEARCH, {"verified": value})) == ["sam-studio"]


@pytest.mark.parametrize("value", ["off", "false", "0", "no", ""])
def test_off_values_leave_the_filter_out(client, world, value):
    assert len(slugs(client.get(SEARCH, {"verified": value}))) == 2


def test_every_filter_of_the_page_narrows_the_search(client, world):
    home = world["home"]
    assert slugs(client.get(SEARCH, {"technique": "swedish"})) == ["hana-home"]
    assert slugs(client.get(SEARCH, {"condition": "sciatica"})) == ["sam-studio"]
    assert slugs(client.get(SEARCH, {"language": "es"})) == ["sam-studio"]
    assert slugs(client.get(SEARCH, {"min_reviews": "2"})) == ["sam-studio"]
    assert slugs(client.get(SEARCH, {"min_reviews": "2.0"})) == ["sam-studio"]
    assert slugs(client.get(SEARCH, {"near": "11201", "radius": "1"})) == [home.slug]
    both = client.get(SEARCH, [("technique", "swedish"), ("technique", "deep-tissue")])
    assert len(slugs(both)) == 2


def test_search_results_carry_the_price_of_the_length_searched(client, world):
    studio = world["studio"]
    studio.price_90 = 180
    studio.save()
    result = client.get(SEARCH, {"length": "90"}).json()["results"][0]
    assert result["price"] == {"minutes": 90, "price": 180}


def test_bad_parameters_are_a_400_with_each_fields_messages(client, world):
    response = client.get(
        SEARCH,
        {
            "near": "nowhere at all",
            "radius": "0",
            "verified": "maybe",
            "technique": "levitation",
            "min_rating": "nine",
            "page": "two",
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    errors = body["errors"]
    assert set(errors) == {
        "near",
        "radius",
        "verified",
        "technique",
        "min_rating",
        "page",
    }
    assert "5-digit US ZIP code" in errors["near"][0]
    assert errors["radius"] == ["Enter a radius between 1 and 250 miles."]
    assert errors["technique"] == ["Choose techniques from the list."]


def test_sorting_by_distance_needs_a_place(client, world):
    response = client.get(SEARCH, {"sort": "distance"})
    assert response.status_code == 400
    assert "near" in response.json()["errors"]["sort"][0].lower()


def test_a_page_past_the_last_gives_the_last_page(client, db):
    for n in range(25):
        factories.make_therapist(slug=f"t-{n:02d}")
    first = client.get(SEARCH).json()
    assert first["count"] == 25 and first["page"] == 1
    assert first["next"] == "http://testserver/api/v1/therapists/?page=2"
    assert first["previous"] is None
    last = client.get(SEARCH, {"page": "99"}).json()
    assert last["page"] == 2 and len(last["results"]) == 5
    assert last["next"] is None
    assert last["previous"].endswith("page=1")


def test_page_links_keep_the_other_parameters(client, db):
    for n in range(21):
        factories.make_therapist(slug=f"t-{n:02d}")
    body = client.get(SEARCH, {"verified": "false", "sort": "rating"}).json()
    assert "sort=rating" in body["next"] and "page=2" in body["next"]


def test_a_capped_count_says_so(client, db, monkeypatch):
    monkeypatch.setattr("therapists.pagination.MIN_COUNT_CAP", 3)
    monkeypatch.setattr("therapists.pagination.PAGES_AHEAD", 0)
    monkeypatch.setattr("therapists.search.PER_PAGE", 2)
    monkeypatch.setattr("api.views.PER_PAGE", 2)
    for n in range(6):
        factories.make_therapist(slug=f"t-{n}")
    body = client.get(SEARCH).json()
    assert body["count_is_capped"] is True
    assert body["count"] == 3


# --- one therapist -----------------------------------------------------------
def test_a_therapist_shows_the_public_profile(client, world):
    studio = world["studio"]
    body = client.get(f"/api/v1/therapists/{studio.slug}/").json()
    assert body["name"] == "Sam Studio"
    assert body["profile_url"] == "http://testserver/therapists/sam-studio/"
    assert body["techniques"] == [
        {"slug": "deep-tissue", "name": "Deep tissue massage", "years": 6}
    ]
    assert [c["slug"] for c in body["conditions"]] == ["sciatica"]
    assert body["languages"] == [{"code": "es", "label": "Spanish"}]
    assert body["verified"] is True
    assert body["locations"][0]["street_address"] == "350 Fifth Avenue"
    assert body["locations"][0]["name"] == "Midtown studio"


def test_credentials_show_their_status_as_the_profile_does(client, world):
    studio = world["studio"]
    factories.make_credential(studio, status="pending", number="MT-PENDING")
    body = client.get(f"/api/v1/therapists/{studio.slug}/").json()
    statuses = sorted(c["status"] for c in body["credentials"])
    assert statuses == ["pending", "verified"]  # rejected ones are not shown
    verified = next(c for c in body["credentials"] if c["status"] == "verified")
    assert verified["verified_on"] == timezone.localdate().isoformat()
    assert verified["verification_method"] == "document_review"
    assert verified["verification_summary"].startswith("Verified on ")


def test_review_aggregates_come_from_the_stored_totals(client, world):
    body = client.get("/api/v1/therapists/sam-studio/").json()
    reviews = body["reviews"]
    assert reviews["count"] == 3
    assert reviews["average"] == pytest.approx(14 / 3)
    stars = {row["stars"]: row["count"] for row in reviews["distribution"]}
    assert stars == {5: 2, 4: 1, 3: 0, 2: 0, 1: 0}
    assert reviews["would_recommend_percent"] == 100
    assert body["reviews_url"].endswith("/api/v1/therapists/sam-studio/reviews/")


def test_clinician_recommendations_are_counted_apart_from_the_stars(client, world):
    studio = world["studio"]
    factories.make_recommendation(therapist=studio)
    body = client.get(f"/api/v1/therapists/{studio.slug}/").json()
    assert body["clinician_recommendation_count"] == 1
    assert body["reviews"]["count"] == 3


def test_hours_prices_and_score_explanation(client, world):
    studio = world["studio"]
    OpeningHours.objects.create(
        therapist=studio,
        weekday=0,
        opens=datetime.time(9),
        closes=datetime.time(19),
    )
    studio.assessment_minutes, studio.assessment_price = 75, 130
    studio.save()
    body = client.get(f"/api/v1/therapists/{studio.slug}/").json()
    monday = body["opening_hours"]["week"][0]
    assert monday == {
        "day": "Monday",
        "ranges": [{"opens": "09:00:00", "closes": "19:00:00"}],
    }
    assert body["prices"]["assessment"] == {"minutes": 75, "price": 130}
    assert {"minutes": 60, "price": 120} in body["prices"]["sessions"]
    assert body["ranking"]["score"] == studio.qualification_score
    assert {part["key"] for part in body["ranking"]["parts"]}


def test_unknown_and_unpublished_therapists_are_the_same_404(client, world):
    unknown = client.get("/api/v1/therapists/nobody-at-all/")
    draft = client.get("/api/v1/therapists/dora-draft/")
    assert unknown.status_code == draft.status_code == 404
    assert unknown.json() == draft.json() == {"detail": "Not found."}
    assert client.get("/api/v1/therapists/dora-draft/reviews/").json() == {
        "detail": "Not found."
    }


def test_any_other_address_under_the_api_is_a_json_404(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# --- reviews -----------------------------------------------------------------
def test_reviews_list_the_published_ones_as_the_profile(client, world):
    studio = world["studio"]
    review = factories.make_review(studio, rating=2, title="Too firm")
    ReviewResponse.objects.create(review=review, body="Thank you for telling me.")
    body = client.get(f"/api/v1/therapists/{studio.slug}/reviews/").json()
    titles = [r["title"] for r in body["results"]]
    assert titles[0] == "Too firm"  # newest first
    assert "Held review" not in titles and "Removed review" not in titles
    assert body["count"] == 4
    assert body["results"][0]["response"]["body"] == "Thank you for telling me."
    assert body["results"][0]["author"] == "Pat D."


def test_reviews_filter_and_sort_as_the_profile_offers(client, world):
    studio = world["studio"]
    factories.make_review(studio, rating=1, title="Not for me", is_verified_client=True)
    url = f"/api/v1/therapists/{studio.slug}/reviews/"
    lowest = client.get(url, {"sort": "lowest"}).json()["results"]
    assert lowest[0]["title"] == "Not for me"
    verified = client.get(url, {"reviews": "verified"}).json()
    assert [r["title"] for r in verified["results"]] == ["Not for me"]
    about = client.get(url, {"condition": "sciatica"}).json()
    assert about["count"] == 3


def test_bad_review_filters_are_a_400(client, world):
    url = "/api/v1/therapists/sam-studio/reviews/"
    response = client.get(url, {"sort": "random", "condition": "nope", "page": "-1"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"sort", "condition", "page"}


# --- methods, caching, the rate limit ------------------------------------------
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_is_refused_with_a_json_405(client, world, method):
    response = getattr(client, method)(SEARCH)
    assert response.status_code == 405
    assert response.json()["detail"]
    assert "GET" in response["Allow"]


def test_reads_carry_an_etag_and_public_cache_control(client, world):
    response = client.get("/api/v1/therapists/sam-studio/")
    assert response["ETag"]
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]


def test_a_matching_if_none_match_is_a_304(client, world):
    url = "/api/v1/therapists/sam-studio/"
    etag = client.get(url)["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_the_etag_changes_with_the_data(client, world):
    url = "/api/v1/therapists/sam-studio/"
    etag = client.get(url)["ETag"]
    factories.make_review(world["studio"], rating=1)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_errors_are_not_cached_as_public(client, db):
    response = client.get("/api/v1/therapists/nobody/")
    assert "public" not in response.get("Cache-Control", "")


def test_each_client_ip_is_limited_with_a_429_and_retry_after(client, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "3/minute"},
    }
    for _ in range(3):
        assert client.get("/api/v1/techniques/").status_code == 200
    refused = client.get(SEARCH)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "throttled" in refused.json()["detail"].lower()
    # Another address has its own count.
    assert client.get(SEARCH, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_the_schema_is_openapi_3_1_and_describes_the_search(client, db):
    document = client.get("/api/v1/schema/").json()
    assert document["openapi"] == "3.1.0"
    search_operation = document["paths"]["/api/v1/therapists/"]["get"]
    names = {p["name"] for p in search_operation["parameters"]}
    assert set(TherapistFilter.base_filters) | {"page", "radius", "sort"} <= names
    assert set(search_operation["responses"]) == {"200", "400", "429"}
    technique = next(
        p for p in search_operation["parameters"] if p["name"] == "technique"
    )
    assert "deep-tissue" in technique["schema"]["items"]["enum"]
    profile = document["paths"]["/api/v1/therapists/{slug}/"]["get"]
    assert set(profile["responses"]) == {"200", "404", "429"}
    error = document["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "errors"}


def test_an_address_without_its_slash_is_redirected(client, db):
    response = client.get("/api/v1/therapists?near=10001")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/therapists/?near=10001"


def test_head_and_options_answer_without_a_body_or_with_a_description(client, db):
    head = client.head("/api/v1/techniques/")
    assert head.status_code == 200 and head.content == b"" and head["ETag"]
    options = client.options("/api/v1/therapists/")
    assert options.status_code == 200
    assert options.json()["name"]
