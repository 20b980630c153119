"""The bench's floor (bench/floor.py): the same page of cards, and the same
profile, as the real pages, each from one SQL query (a search by distance
from two: its rung, then the page), mounted only by the bench's URLconf."""

import re

import pytest

from bench import floor, run
from profiles.views import TherapistDetailView
from tests import factories
from therapists import nearest
from therapists.views import TherapistListView

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]

# Inside 25 miles of ZIP 10001 (0 to 23 miles), then two outside.
ZIPS = [
    "10001", "10011", "10016", "10003", "07030", "11101", "11211", "11201",
    "10451", "07102", "10301", "07081", "11550", "10601", "06830", "08540",
]  # fmt: skip
FLOOR_OF_SHAPE = {
    "search best": "floor search best",
    "search distance": "floor search distance",
}


def make_directory(size=45):
    """Therapists with every kind of score, some with two practices, some not
    matching the bench's search (no deep tissue, no badge, unpublished, too far)."""
    with factories.bulk():
        for n in range(size):
            therapist = factories.make_therapist(
                slug=f"t{n:02d}",
                back_pain_years=(n * 7) % 11,
                is_published=n != 17,
            )
            factories.add_technique(therapist, "swedish", years=n % 4)
            if n % 6 != 5:
                factories.add_technique(therapist, "deep-tissue", years=n % 3)
            if n % 9 == 0:
                factories.add_technique(therapist, "trigger-point", years=9)
            if n % 4 != 2:
                factories.make_credential(therapist)
            if n % 3 == 0:
                factories.make_credential(
                    therapist, kind="board_certification", issuer="NCBTMB"
                )
            factories.make_reviews(therapist, [5, 4, 5, 3, 5, 4, 2][: n % 8])
            factories.make_location(therapist, ZIPS[(n * 5) % len(ZIPS)])
            if n % 7 == 1:
                factories.make_location(therapist, ZIPS[(n * 3 + 4) % len(ZIPS)])


def floor_slugs(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<h3 id="t-\d+"><a href="/therapists/([^/]+)/', response.text)


def real_slugs(response) -> list[str]:
    assert response.status_code == 200
    return [therapist.slug for therapist in response.context["page_obj"].object_list]


def walked_alike(client, shape: str, floor_name: str) -> list[str]:
    """Every page of the bench's `shape` and of its floor, in turn, until past
    the end: each the same therapists in the same order; all of them."""
    seen = []
    for page in range(1, 50):
        response = client.get(f"{run.SHAPES[shape]}&page={page}")
        floored = floor_slugs(client.get(f"{run.FLOORS[floor_name]}&page={page}"))
        if response.context["page_obj"].number != page:
            assert floored == []  # past the end (the real page shows the last)
            return seen
        assert floored == real_slugs(response), page
        seen += floored
    raise AssertionError("more pages than the test's directory holds")


@pytest.mark.parametrize("shape", FLOOR_OF_SHAPE)
def test_the_floor_lists_the_bench_search_s_therapists_in_its_order(client, shape):
    make_directory()
    real = real_slugs(client.get(run.SHAPES[shape]))
    assert len(real) == 20
    assert floor_slugs(client.get(run.FLOORS[FLOOR_OF_SHAPE[shape]])) == real


@pytest.mark.parametrize("shape", FLOOR_OF_SHAPE)
def test_every_small_page_matches_with_the_bound_walked_from_few_leaders(
    client, monkeypatch, shape
):
    """Pages of 4 and one leading location per place: the best-match bound
    then cuts most of the circle, and every page must still be the real one."""
    make_directory()
    monkeypatch.setattr(TherapistListView, "paginate_by", 4)
    monkeypatch.setattr(floor, "PER_PAGE", 4)
    monkeypatch.setattr(floor, "LEADERS_PER_REACH", 1)
    seen = walked_alike(client, shape, FLOOR_OF_SHAPE[shape])
    assert len(seen) == len(set(seen)) == 20  # every match, once


def test_the_text_floor_lists_the_bench_text_search_s_therapists_in_its_order(
    client, monkeypatch
):
    """The bench's free text ("myofascial brooklyn"), page by page of 4: the
    words in any field (a technique, a city), each read as a prefix."""
    with factories.bulk():
        for n in range(30):
            therapist = factories.make_therapist(
                slug=f"t{n:02d}",
                back_pain_years=(n * 7) % 11,
                is_published=n != 17,
            )
            factories.add_technique(
                therapist, "myofascial-release" if n % 5 else "swedish"
            )
            factories.make_reviews(therapist, [5, 4, 5, 3, 5, 4, 2][: n % 8])
            factories.make_location(therapist, "11211" if n % 4 else "10001")
    monkeypatch.setattr(TherapistListView, "paginate_by", 4)
    monkeypatch.setattr(floor, "PER_PAGE", 4)
    seen = walked_alike(client, "free text q", "floor free text q")
    # Neither Swedish alone, nor Manhattan, nor the unpublished one.
    assert len(seen) == len(set(seen)) == 17
    html = client.get(run.FLOORS["floor free text q"]).text
    assert "Brooklyn, NY</li>" in html
    assert " mi</strong>" not in html


def test_a_card_shows_what_the_real_card_shows(client):
    therapist = factories.make_therapist(
        display_name="Ana Ruiz", headline="Low back pain, calmly", price_90=170
    )
    factories.add_technique(therapist, "swedish", years=8)
    factories.add_technique(therapist, "deep-tissue", years=2)
    factories.make_location(therapist, "11211")
    factories.make_credential(therapist)
    factories.make_reviews(therapist, [5, 4])
    html = client.get(run.FLOORS["floor search best"]).text
    assert ">Ana Ruiz</a>" in html
    assert f'href="/therapists/{therapist.slug}/?near=10001"' in html
    assert "Verified</span>" in html
    assert "Low back pain, calmly" in html
    # The searched technique first, though the other has more years.
    assert html.index("Deep tissue") < html.index("Swedish")
    assert "chip--searched" in html
    real = client.get(run.SHAPES["search best"]).context["page_obj"][0]
    assert f"<strong>{real.distance_miles:.1f} mi</strong>" in html
    assert "Brooklyn, NY" in html
    assert "4.5 (2 reviews)" in html
    assert "<strong>$120</strong> · 60 min" in html
    assert "Accepting new clients" in html


def test_the_search_floor_is_one_query_once_the_taxonomy_is_read(
    client, monkeypatch, django_assert_num_queries
):
    make_directory(size=25)
    monkeypatch.setattr(floor, "_TECHNIQUE_IDS", {})
    with django_assert_num_queries(2):  # the process's first search reads ids
        client.get(run.FLOORS["floor search best"])
    # By distance, the rung and then its page.
    for name, queries in (("floor search best", 1), ("floor search distance", 2)):
        with django_assert_num_queries(queries):
            assert len(floor_slugs(client.get(run.FLOORS[name]))) == 10


def test_the_distance_floor_lists_only_the_smallest_rung_that_holds_the_page(
    client, monkeypatch
):
    make_directory()
    monkeypatch.setattr(TherapistListView, "paginate_by", 4)
    monkeypatch.setattr(floor, "PER_PAGE", 4)
    rungs = []

    def rung(*args, **kwargs):
        rungs.append(walked(*args, **kwargs))
        return rungs[-1]

    walked = floor._rung
    monkeypatch.setattr(floor, "_rung", rung)
    shape = run.SHAPES["search distance"]
    for page in (1, 5):
        floored = floor_slugs(
            client.get(f"{run.FLOORS['floor search distance']}&page={page}")
        )
        assert floored == real_slugs(client.get(f"{shape}&page={page}"))
    # A page near the point needs a small circle; the last one the whole.
    assert rungs[0] < 25 and rungs[-1] == 25
    assert rungs[0] in nearest.rungs(25)


@pytest.mark.parametrize(
    "query",
    [
        "near=nowhere-at-all",
        "near=10001&radius=far",
        "near=10001&technique=no-such-technique",
        "near=10001&page=two",
        "near=10001&sort=price",
        "",
    ],
)
def test_the_floor_refuses_what_it_does_not_serve(client, query):
    response = client.get(f"/bench/floor/search/?{query}")
    assert response.status_code == 400


def test_the_profile_floor_shows_the_same_therapist_in_one_query(
    client, django_assert_num_queries
):
    therapist = factories.make_therapist(
        display_name="Kofi Mensah", headline="Sports massage for runners"
    )
    factories.add_technique(therapist, "sports", years=6)
    factories.make_location(therapist, "10003", city="New York")
    factories.make_credential(therapist, issuer="New York State Education Dept")
    factories.make_credential(therapist, issuer="Rejected Board", status="rejected")
    factories.make_reviews(therapist, [5, 5, 4, 2], title="Helped my back")
    real = client.get(run.SHAPES["search best"].split("?")[0] + f"{therapist.slug}/")
    assert real.context["therapist"].pk == therapist.pk
    path = run.floor_profile_path(therapist.get_absolute_url())
    with django_assert_num_queries(1):
        response = client.get(path)
    html = response.text
    assert "<h1>Kofi Mensah</h1>" in html
    assert "Sports massage for runners" in html
    assert "New York State Education Dept" in html
    assert "Rejected Board" not in html
    assert "Sports massage (6 years)" in html
    assert "New York, NY 10003" in html
    assert html.count("Helped my back") == 4
    assert "4.0 out of 5 from 4 reviews" in html
    assert 'value="2"></meter></td><td>2</td>' in html  # two 5-star reviews
    assert 'value="0"></meter></td><td>0</td>' in html  # no 3-star one


def test_the_profile_floor_has_no_drafts_and_no_strangers(client):
    draft = factories.make_therapist(is_published=False)
    assert client.get(f"/bench/floor/profile/{draft.slug}/").status_code == 404
    assert client.get("/bench/floor/profile/nobody-here/").status_code == 404


@pytest.mark.urls("directory.urls")
def test_the_site_itself_does_not_serve_the_floor(client):
    therapist = factories.make_therapist()
    assert client.get(run.FLOORS["floor search best"]).status_code == 404
    assert client.get(f"/bench/floor/profile/{therapist.slug}/").status_code == 404


def test_the_bench_s_urlconf_serves_the_site_as_well(client):
    therapist = factories.make_therapist()
    assert client.get(therapist.get_absolute_url()).status_code == 200
    assert TherapistDetailView.template_name in [
        t.name for t in client.get(therapist.get_absolute_url()).templates
    ]
