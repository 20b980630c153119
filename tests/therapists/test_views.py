import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = reverse("therapists:list")


def make_listed(n, zip_code="10001", technique="deep-tissue", verified=False):
    made = []
    with factories.bulk():
        for _ in range(n):
            therapist = factories.make_therapist()
            factories.add_technique(therapist, technique)
            factories.add_technique(therapist, "swedish")
            factories.make_location(therapist, zip_code)
            if verified:
                factories.make_credential(therapist)
            factories.make_review(therapist, rating=4)
            made.append(therapist)
    return made


def result_names(response):
    return [t.display_name for t in response.context["page_obj"].object_list]


def test_search_page_lists_published_therapists_with_their_card(client):
    therapist = make_listed(1, verified=True)[0]
    factories.make_therapist(display_name="Hidden Draft", is_published=False)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert therapist.display_name in html
    assert "Hidden Draft" not in html
    assert "Verified" in html
    assert "Deep tissue massage" in html
    assert f"${therapist.session_price}" in html
    assert "Accepting new clients" in html
    assert "(1 review)" in html


QUERIES = [
    "",
    "near=10001&radius=25&technique=deep-tissue&verified=on",
    "near=10001&sort=distance&page=2",
    "q=therapist&technique=deep-tissue&technique=swedish&condition=sciatica",
    "min_rating=3&min_reviews=1&accepting=on&max_price=500&gender=woman&language=es"
    "&mobile=on&accessible=on&sort=price",
    "near=Brooklyn,+NY&sort=rating",
    "near=00000&radius=-3",
]


@pytest.mark.parametrize("query", QUERIES)
def test_search_page_runs_at_most_five_queries(
    client, django_assert_max_num_queries, query
):
    make_listed(45, verified=True)
    with django_assert_max_num_queries(5):
        response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200


def test_query_count_does_not_grow_with_matches(client, django_assert_num_queries):
    make_listed(3)
    with django_assert_num_queries(5) as few:
        client.get(f"{LIST_URL}?near=10001")
    make_listed(40)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"{LIST_URL}?near=10001")


def test_twenty_results_per_page_and_pagination_keeps_filters(client):
    make_listed(25, verified=True)
    query = "near=10001&radius=30&technique=deep-tissue&verified=on&sort=distance"
    response = client.get(f"{LIST_URL}?{query}")
    assert len(response.context["page_obj"].object_list) == 20
    html = response.content.decode()
    next_link = re.search(r'rel="next" href="\?([^"]+)"', html).group(1)
    next_link = next_link.replace("&amp;", "&")
    for part in query.split("&"):
        assert part in next_link
    assert "page=2" in next_link
    second = client.get(f"{LIST_URL}?{next_link}")
    assert len(second.context["page_obj"].object_list) == 5
    assert not set(result_names(second)) & set(result_names(response))


def test_out_of_range_page_shows_the_last_page(client):
    make_listed(3)
    response = client.get(f"{LIST_URL}?page=99")
    assert response.status_code == 200
    assert len(result_names(response)) == 3
    assert client.get(f"{LIST_URL}?page=abc").status_code == 200


def test_distance_is_shown_with_near(client):
    make_listed(1, zip_code="11201")
    html = client.get(f"{LIST_URL}?near=10001").content.decode()
    assert re.search(r"\d+\.\d mi<", html)
    assert "within 25 miles of New York, NY 10001" in html


def test_unknown_zip_shows_a_clear_message_next_to_the_field(client):
    make_listed(2)
    response = client.get(f"{LIST_URL}?near=00000")
    assert response.status_code == 200
    html = response.content.decode()
    assert "We could not find “00000”" in html
    assert 'aria-invalid="true"' in html
    assert result_names(response) == []


def test_invalid_values_show_form_errors_not_500(client):
    response = client.get(f"{LIST_URL}?radius=-3&min_rating=abc")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value is greater than or equal to 1." in html
    assert "Enter a number." in html
    assert "We could not run this search" in html


def test_search_results_partial_renders_alone(client):
    make_listed(2)
    response = client.get(LIST_URL)
    context = {
        name: response.context[name] for name in ("filter", "page_obj", "paginator")
    }
    fragment = render_to_string("therapists/therapist_list.html#results", context)
    assert "2 therapists" in fragment
    assert "<form" not in fragment


def test_profile_shows_credentials_techniques_and_review_distribution(client):
    therapist = factories.make_therapist(display_name="Rae Kim", pronouns="she/her")
    factories.add_technique(therapist, "myofascial-release", years=7)
    therapist.conditions.add(factories.condition("sciatica"))
    factories.make_location(therapist, "11201", name="Brooklyn studio")
    factories.make_credential(
        therapist, number="MT-123456", issuer="New York State Education Department"
    )
    factories.make_credential(therapist, status="rejected", issuer="Fake Board")
    for rating in (5, 5, 4, 1):
        factories.make_review(therapist, rating=rating, title=f"Title {rating}")
    response = client.get(therapist.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Rae Kim",
        "she/her",
        "Myofascial release",
        "7 years",
        "Sciatica",
        "Brooklyn studio",
        "MT-123456",
        "New York State Education Department",
        "Verified on",
        "by document review",
        "Why this therapist ranks here",
        "Title 1",
        "75% rated 4 or 5 stars",
    ]:
        assert text in html, text
    assert "Fake Board" not in html  # rejected claims are not shown publicly
    assert re.search(r'aria-label="5 stars: 50%"', html)
    assert re.search(r'aria-label="1 stars: 25%"', html)


def test_home_based_profile_never_shows_the_street(client):
    therapist = factories.make_therapist()
    factories.make_location(
        therapist, "11201", street_address="12 Secret Lane", is_home_based=True
    )
    html = client.get(therapist.get_absolute_url()).content.decode()
    assert "Secret Lane" not in html
    assert "Brooklyn, NY" in html


def test_review_text_is_escaped(client):
    therapist = factories.make_therapist()
    factories.make_review(
        therapist,
        title="<script>alert(1)</script>",
        body="<img src=x onerror=alert(2)>",
    )
    html = client.get(therapist.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("client", 404),
        ("other", 404),
        ("owner", 200),
        ("staff", 200),
    ],
)
def test_draft_profile_is_visible_only_to_its_owner_and_staff(
    client, client_user, other_therapist, staff_user, who, status
):
    draft = factories.make_therapist(slug="draft-profile", is_published=False)
    users = {
        "client": client_user,
        "other": other_therapist.user,
        "owner": draft.user,
        "staff": staff_user,
    }
    if who in users:
        client.force_login(users[who])
    response = client.get(draft.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert "This profile is a draft" in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "client", "other", "owner", "staff"])
def test_published_profile_is_visible_to_everyone(
    client, client_user, therapist, other_therapist, staff_user, who
):
    users = {
        "client": client_user,
        "other": other_therapist.user,
        "owner": therapist.user,
        "staff": staff_user,
    }
    if who in users:
        client.force_login(users[who])
    assert client.get(therapist.get_absolute_url()).status_code == 200


def test_unknown_profile_is_404(client, db):
    assert client.get(reverse("profiles:detail", args=["nobody"])).status_code == 404


@pytest.mark.parametrize("viewer", ["anonymous", "client", "owner"])
def test_profile_runs_at_most_five_queries_however_much_it_shows(
    client, django_assert_max_num_queries, viewer
):
    therapist = factories.make_therapist(slug="full-profile")
    for slug in ("deep-tissue", "myofascial-release", "trigger-point"):
        factories.add_technique(therapist, slug)
    therapist.conditions.add(factories.condition("sciatica"))
    factories.add_language(therapist, "es")
    factories.add_language(therapist, "fr")
    factories.make_location(therapist, "10001")
    factories.make_location(therapist, "11201")
    factories.make_credential(therapist)
    for _ in range(8):
        factories.make_review(therapist, rating=2)
    if viewer == "owner":
        client.force_login(therapist.user)
    elif viewer == "client":
        client.force_login(factories.make_user())
    url = therapist.get_absolute_url()
    # A logged-in viewer adds their session, account, own profile (for the
    # menu) and shortlist (for the "Save" button).
    with django_assert_max_num_queries(5 if viewer == "anonymous" else 9):
        response = client.get(url)
    page = response.content.decode()
    assert "Myofascial release" in page and "Sciatica" in page
    assert "Speaks French, Spanish" in page
    assert "Not yet consistently positive" in page


def test_result_cards_escape_what_therapists_write(client):
    therapist = factories.make_therapist(
        display_name='<script>alert("x")</script> Ann',
        headline="<img src=x onerror=alert(1)>",
    )
    factories.add_technique(therapist)
    factories.make_location(therapist, "10001")
    for url in (LIST_URL, f"{LIST_URL}?near=10001"):
        page = client.get(url).content.decode()
        assert "&lt;script&gt;alert(" in page
        assert '<script>alert("x")' not in page
        assert "<img src=x" not in page
