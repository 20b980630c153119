import pytest
from django.urls import reverse

from tests import factories
from therapists import ranking

pytestmark = pytest.mark.django_db


def test_home_offers_a_technique_and_place_search(client):
    html = client.get(reverse("home")).content.decode()
    assert 'action="/therapists/"' in html
    assert '<option value="deep-tissue">Deep tissue massage</option>' in html
    assert 'name="near"' in html


@pytest.mark.parametrize(
    "link",
    [
        "/therapists/?verified=on",
        "/therapists/?sort=reviews",
        "/therapists/?sort=experience",
        "/therapists/?min_reviews=5&amp;min_rating=4.5&amp;sort=rating",
        "/therapists/?technique=myofascial-release",
        "/therapists/?condition=sciatica",
    ],
)
def test_home_guide_links_each_point_to_a_working_search(client, link):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{link}"' in html
    assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_how_we_rank_lists_every_part_with_its_ceiling(client):
    html = client.get(reverse("how-we-rank")).content.decode()
    assert "Rank can never be bought" in html
    for part in ranking.score_parts(
        ranking.RankingInputs(0, 0, 0, 0, 0, 0, 0), ranking.DEFAULT_SITE_MEAN
    ):
        assert part.label in html
        assert f"<td>{part.maximum}</td>" in html


def test_how_we_rank_shows_the_current_site_mean(client):
    therapist = factories.make_therapist()
    factories.make_review(therapist, rating=3)
    ranking.forget_site_mean()
    html = client.get(reverse("how-we-rank")).content.decode()
    assert "site average (3.00)" in html
