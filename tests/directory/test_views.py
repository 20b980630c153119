import pytest
from django.urls import reverse

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
    for part in ranking.score_parts(ranking.RankingInputs(0, 0, 0, 0, 0, 0, 0)):
        assert part.label in html
        assert f"<td>{part.maximum}</td>" in html
    assert f"<td>{ranking.CLOSENESS_POINTS_MAX}</td>" in html


def test_how_we_rank_explains_closeness_with_its_numbers(client):
    html = client.get(reverse("how-we-rank")).content.decode()
    rule = "25 points at the place, 1 fewer for each mile, none from 25 miles on"
    assert rule in html
    assert '<tr><th scope="row">10 miles</th><td>15</td></tr>' in html
    assert '<tr><th scope="row">40 miles</th><td>0</td></tr>' in html
    # The case: well qualified but far loses to nearly as good nearby.
    assert "82.0, 17.6 miles away: 82.0 + 7.4 = <strong>89.4</strong>" in html
    assert "75.0, 1.2 miles away: 75.0 + 23.8 = <strong>98.8</strong>" in html


def test_how_we_rank_says_how_reviews_count(client):
    html = client.get(reverse("how-we-rank")).content.decode()
    assert "No reviews, no review points." in html
    assert "count in full from 10 reviews" in html
    assert "Below 5 reviews" in html
    assert "Too few reviews to judge" in html
    # The one-review example: a tenth of each review part, said in words.
    assert (
        "1 of 1 would recommend; counts in full from 10 reviews (1 of 10 so far)."
    ) in html
