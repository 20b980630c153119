"""Contract tests: schemathesis generates requests from the served OpenAPI
document for every operation and checks each answer against it (no server
error, documented status, content type and body), on a small seeded world so
that the profile and reviews paths also reach real therapists."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

pytestmark = pytest.mark.usefixtures("unlimited_api")

EXPECTED = {
    "/api/v1/",
    "/api/v1/therapists/",
    "/api/v1/therapists/{slug}/",
    "/api/v1/therapists/{slug}/reviews/",
    "/api/v1/techniques/",
    "/api/v1/conditions/",
    "/api/v1/access/",
    "/api/v1/hours/",
    "/api/v1/payment/",
    "/api/v1/lengths/",
    "/api/v1/languages/",
    "/api/v1/genders/",
    "/api/v1/sorts/",
}
# Enough to reach every parameter; the whole run stays well under a minute.
EXAMPLES = {"/api/v1/therapists/": 100, "/api/v1/therapists/{slug}/reviews/": 50}
OTHER_EXAMPLES = 10


@pytest.fixture
def connection_kept_open():
    """Requests go to the WSGI handler itself, whose request signals close
    the database connection, and with it the test's transaction; Django's
    test client keeps it open in the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(world, connection_kept_open):
    # A handler made now, whose middleware reads the test's settings.
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


def with_slugs(strategy, slugs):
    """Half the cases on a real therapist (published or not), half generated."""

    def real(pair):
        case, slug = pair
        case.path_parameters = {**(case.path_parameters or {}), "slug": slug}
        return case

    return st.one_of(strategy, st.tuples(strategy, st.sampled_from(slugs)).map(real))


# Places the geocoder knows: any string fits the document's `near`, but only a
# real place is a valid search (the document says so in words).
PLACES = ["10001", "11201", "Austin, TX"]


def with_real_places(strategy):
    """Valid searches name a known place, and sort by distance only near one:
    rules the document states in words that a schema cannot express."""

    def real(pair):
        case, place = pair
        query = dict(case.query or {})
        if "near" in query or query.get("sort") == "distance":
            query["near"] = place
        case.query = query
        return case

    return st.tuples(strategy, st.sampled_from(PLACES)).map(real)


def run(operation, strategy, examples: int) -> None:
    # Each example runs inside this test's transaction: the world is there.
    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate()

    check()


def test_the_document_lists_every_endpoint(api_schema):
    paths = {result.ok().path for result in api_schema.get_all_operations()}
    assert paths == EXPECTED


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_answer_conforms_to_the_document(api_schema, world, mode):
    slugs = [therapist.slug for therapist in world.values()]
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if mode == GenerationMode.NEGATIVE and not list(operation.query):
            # Nothing to get wrong: any string is a slug to look up (a 404).
            continue
        strategy = operation.as_strategy(generation_mode=mode)
        if "{slug}" in operation.path:
            strategy = with_slugs(strategy, slugs)
        if operation.path == "/api/v1/therapists/" and mode == GenerationMode.POSITIVE:
            strategy = with_real_places(strategy)
        run(operation, strategy, EXAMPLES.get(operation.path, OTHER_EXAMPLES))
