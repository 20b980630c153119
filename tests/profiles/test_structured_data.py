"""The profile's schema.org JSON-LD: read back with a JSON-LD processor (PyLD,
schema.org's context served locally), the right types, the ratings the stored
totals say, only what the page shows, and nothing private."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pyld import jsonld

from reviews.models import Review
from tests import factories
from verification.models import Credential

pytestmark = pytest.mark.django_db

S = "https://schema.org/"
LD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def local_schema_org(url, options=None):
    """schema.org's context without the network: every term in its vocabulary."""
    assert url.rstrip("/") == "https://schema.org", url
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": S}},
    }


def scripts_of(response) -> list[str]:
    return LD_SCRIPT.findall(response.content.decode())


def graph_of(client, therapist, **params) -> list[dict]:
    """The profile's one JSON-LD block, expanded: a list of nodes."""
    response = client.get(therapist.get_absolute_url(), params)
    assert response.status_code == 200
    [script] = scripts_of(response)
    return jsonld.expand(json.loads(script), {"documentLoader": local_schema_org})


def typed(nodes, kind: str) -> list[dict]:
    return [node for node in nodes if S + kind in node.get("@type", [])]


def one(nodes, kind: str) -> dict:
    [node] = typed(nodes, kind)
    return node


def values(node: dict, prop: str) -> list:
    """A property's values: literals as themselves, nodes as dicts."""
    return [item.get("@value", item) for item in node.get(S + prop, [])]


def value(node: dict, prop: str):
    [found] = values(node, prop)
    return found


@pytest.fixture
def reviewed(therapist):
    """A published practice with an office, reviews, and credentials in every
    state the profile can show."""
    factories.make_location(therapist, "10001", street_address="350 Fifth Avenue")
    factories.add_technique(therapist, "deep-tissue")
    factories.make_reviews(therapist, [5, 4, 2])
    factories.make_credential(therapist, number="MT-VERIFIED")
    return therapist


def test_the_practice_and_the_therapist_are_typed_and_linked(client, reviewed):
    nodes = graph_of(client, reviewed)
    practice = one(nodes, "HealthAndBeautyBusiness")
    person = one(nodes, "Person")
    url = "http://testserver/therapists/dana-owner/"
    assert value(practice, "name") == "Dana Owner"
    assert value(practice, "url") == url
    assert values(person, "worksFor") == [{"@id": practice["@id"]}]
    assert value(person, "jobTitle") == "Massage therapist"
    assert values(person, "knowsAbout") == ["Deep tissue massage"]
    assert value(practice, "priceRange") == "$120"


def test_the_rating_is_the_stored_totals_and_the_reviews_the_page_shows(
    client, reviewed
):
    practice = one(graph_of(client, reviewed), "HealthAndBeautyBusiness")
    rating = value(practice, "aggregateRating")
    assert S + "AggregateRating" in rating["@type"]
    assert value(rating, "reviewCount") == reviewed.rating_count == 3
    assert value(rating, "ratingValue") == round(reviewed.rating_sum / 3, 1) == 3.7
    assert (value(rating, "bestRating"), value(rating, "worstRating")) == (5, 1)
    reviews = values(practice, "review")
    shown = Review.objects.filter(therapist=reviewed).for_profile()
    assert [value(r, "reviewBody") for r in reviews] == [r.body for r in shown]
    stars = [value(value(r, "reviewRating"), "ratingValue") for r in reviews]
    assert stars == [r.rating for r in shown]
    first = reviews[0]
    assert value(value(first, "author"), "name") == "Pat D."
    assert value(first, "datePublished") == timezone.localdate().isoformat()


def test_a_few_reviews_follow_the_page_s_filters(client, reviewed):
    factories.make_reviews(reviewed, [5] * 6, is_verified_client=True, body="Mine")
    everyone = one(graph_of(client, reviewed), "HealthAndBeautyBusiness")
    assert len(values(everyone, "review")) == 5
    verified = one(
        graph_of(client, reviewed, reviews="verified"), "HealthAndBeautyBusiness"
    )
    bodies = {value(r, "reviewBody") for r in values(verified, "review")}
    assert bodies == {"Mine"}
    # The aggregate always describes every review, whatever the page filters.
    assert value(value(verified, "aggregateRating"), "reviewCount") == 9


def test_no_rating_and_no_reviews_without_reviews(client, therapist):
    factories.make_location(therapist, "10001")
    practice = one(graph_of(client, therapist), "HealthAndBeautyBusiness")
    assert S + "aggregateRating" not in practice
    assert S + "review" not in practice


def test_an_office_has_its_street_and_point(client, reviewed):
    practice = one(graph_of(client, reviewed), "HealthAndBeautyBusiness")
    address = value(practice, "address")
    assert value(address, "streetAddress") == "350 Fifth Avenue"
    assert value(address, "postalCode") == "10001"
    assert value(address, "addressRegion") == "NY"
    geo = value(practice, "geo")
    location = reviewed.locations.get()
    assert value(geo, "latitude") == location.latitude


def test_a_home_based_practice_has_its_town_only(client, therapist):
    factories.make_location(
        therapist,
        "10001",
        street_address="12 Private Lane",
        is_home_based=True,
        latitude=40.75123,
        longitude=-73.99456,
    )
    response = client.get(therapist.get_absolute_url())
    [script] = scripts_of(response)
    nodes = jsonld.expand(json.loads(script), {"documentLoader": local_schema_org})
    practice = one(nodes, "HealthAndBeautyBusiness")
    address = value(practice, "address")
    assert value(address, "addressLocality") == "New York"
    assert S + "streetAddress" not in address
    assert S + "postalCode" not in address
    assert S + "geo" not in practice
    assert "Private Lane" not in script
    assert "40.75" not in script


def test_each_location_is_an_address_at_its_own_precision(client, therapist):
    factories.make_location(therapist, "10001", street_address="350 Fifth Avenue")
    factories.make_location(
        therapist, "10001", street_address="12 Private Lane", is_home_based=True
    )
    practice = one(graph_of(client, therapist), "HealthAndBeautyBusiness")
    office, home = values(practice, "address")
    assert value(office, "streetAddress") == "350 Fifth Avenue"
    assert S + "streetAddress" not in home and S + "postalCode" not in home
    # One point cannot stand for two places.
    assert S + "geo" not in practice


def test_only_credentials_shown_as_verified_are_claimed(client, reviewed):
    factories.make_credential(
        reviewed, number="MT-PENDING", status=Credential.Status.PENDING
    )
    factories.make_credential(
        reviewed, number="MT-REJECTED", status=Credential.Status.REJECTED
    )
    factories.make_credential(
        reviewed,
        number="MT-LAPSED",
        board_status=Credential.BoardStatus.LAPSED,
        board_source="New York roster",
        board_checked_on=timezone.localdate(),
    )
    person = one(graph_of(client, reviewed), "Person")
    [credential] = values(person, "hasCredential")
    assert S + "EducationalOccupationalCredential" in credential["@type"]
    assert value(credential, "identifier") == "MT-VERIFIED"
    assert value(value(credential, "recognizedBy"), "name") == (
        "New York State Education Department"
    )
    assert value(credential, "description").startswith("Verified on ")
    expires = timezone.localdate() + datetime.timedelta(days=365)
    assert value(credential, "expires") == expires.isoformat()


def test_nothing_private_leaks(client, therapist):
    therapist.contact_phone = "+1 212 555 0199"
    therapist.booking_url = "https://book.example.com/dana-secret"
    therapist.save()
    factories.make_location(therapist, "10001")
    factories.make_review(therapist, body="Published words")
    factories.make_review(therapist, body="Held words", is_published=False)
    factories.make_credential(
        therapist,
        number="MT-EVIDENCE",
        status=Credential.Status.PENDING,
        evidence="credentials/evidence/licence.pdf",
    )
    response = client.get(therapist.get_absolute_url())
    [script] = scripts_of(response)
    for secret in (
        therapist.user.email,
        "555 0199",
        "book.example.com",
        "Held words",
        "MT-EVIDENCE",
        "evidence",
        "@example.org",
    ):
        assert secret not in script
    assert "Published words" in script


def test_a_draft_carries_no_structured_data_even_for_its_owner(client, therapist):
    therapist.is_published = False
    therapist.save()
    factories.make_location(therapist, "10001")
    client.force_login(therapist.user)
    response = client.get(therapist.get_absolute_url())
    assert response.status_code == 200
    assert "This profile is a draft" in response.content.decode()
    assert scripts_of(response) == []


def test_text_cannot_end_the_script_element(client, therapist):
    factories.make_location(therapist, "10001")
    body = 'Great </script><script>alert("x")</script> & <!-- more'
    factories.make_review(therapist, body=body)
    response = client.get(therapist.get_absolute_url())
    page = response.content.decode()
    [script] = scripts_of(response)
    assert "<" not in script and ">" not in script and "&" not in script
    assert 'alert("x")</script>' not in page.split("application/ld+json")[1]
    practice = one(
        jsonld.expand(json.loads(script), {"documentLoader": local_schema_org}),
        "HealthAndBeautyBusiness",
    )
    assert value(values(practice, "review")[0], "reviewBody") == body


@pytest.mark.parametrize("ratings", [[], [5, 4, 2]])
def test_the_structured_data_costs_no_query(
    client, therapist, ratings, monkeypatch, django_assert_num_queries, page_cache_off
):
    factories.make_location(therapist, "10001")
    factories.make_credential(therapist)
    factories.make_reviews(therapist, ratings)
    url = therapist.get_absolute_url()
    client.get(url)  # warm the site mean
    with monkeypatch.context() as patched:
        patched.setattr("profiles.views.profile_json_ld", lambda *a, **k: "")
        with CaptureQueriesContext(connection) as without:
            assert scripts_of(client.get(url)) == []
    with django_assert_num_queries(len(without.captured_queries)):
        assert len(scripts_of(client.get(url))) == 1
