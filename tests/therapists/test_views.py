import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests import budgets, factories
from therapists import filters

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
def test_search_page_runs_within_its_query_budget(
    client, django_assert_max_num_queries, query
):
    make_listed(45, verified=True)
    # Someone for the search with every filter, so that no shape here finds
    # nobody (which counts suggestions: see the zero-result budget below).
    everything = factories.make_therapist(
        gender="woman",
        session_price=120,
        offers_mobile_visits=True,
        wheelchair_accessible=True,
    )
    factories.add_technique(everything)
    factories.add_technique(everything, "swedish")
    everything.conditions.add(factories.condition("sciatica"))
    factories.add_language(everything, "es")
    factories.make_location(everything, "10001")
    factories.make_review(everything, rating=5)
    with django_assert_max_num_queries(budgets.SEARCH_PAGE):
        response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    if "00000" not in query:
        assert result_names(response)


def test_query_count_does_not_grow_with_matches(client, django_assert_num_queries):
    make_listed(3)
    with django_assert_num_queries(budgets.SEARCH_PAGE) as few:
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
    assert "Enter a radius between 1 and 250 miles." in html
    assert "Enter a rating between 1 and 5 stars." in html
    assert "Ensure this value" not in html
    assert "Enter a number." not in html
    assert "We could not run this search" in html


def test_search_results_partial_renders_alone(client):
    make_listed(2)
    response = client.get(LIST_URL)
    context = {
        name: response.context[name]
        for name in ("filter", "cards", "page_obj", "paginator")
    }
    fragment = render_to_string("therapists/therapist_list.html#results", context)
    assert "2 therapists" in fragment
    assert fragment.count('<article class="card result"') == 2
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
    # menu) and shortlist (for the "Save" button); a visitor, the page
    # cache's version lookup (profiles.page_cache: not kept yet).
    with django_assert_max_num_queries(6 if viewer == "anonymous" else 9):
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


# --- the search page: what a search asked for, bad input, nobody found -------


def test_error_summary_tops_the_form_in_field_order_linked_to_each_field(client):
    query = "sort=cheapest&min_rating=abc&radius=-3&technique=flu&q=" + "x" * 101
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    form = html.index('id="search-form"')
    summary = html.index('id="error-summary"')
    assert form < summary < html.index('class="search-form__main"')
    assert summary < html.index('class="sort-control"')
    links = re.findall(r'<li><a href="#([a-z_0-9]+)">', html[summary:])
    assert links == ["id_q", "id_radius", "id_technique_0", "id_min_rating", "id_sort"]
    for field in ("q", "radius", "min_rating", "sort"):
        widget = re.search(rf'<(?:input|select)[^>]*id="id_{field}"[^>]*>', html)
        assert 'aria-invalid="true"' in widget.group(0), field
        assert f'aria-describedby="id_{field}_error"' in widget.group(0), field
        assert f'id="id_{field}_error"' in html, field
    box = re.search(r'<input[^>]*id="id_technique_0"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in box
    assert 'aria-describedby="id_technique_error"' in box
    assert 'id="id_technique_error"' in html
    assert "Enter a radius between 1 and 250 miles." in html
    assert result_names(response) == []


def test_active_filters_show_as_chips_that_remove_themselves(client):
    make_listed(2, verified=True)
    response = client.get(f"{LIST_URL}?technique=deep-tissue&verified=on&page=1")
    html = response.content.decode()
    chip = re.search(
        r'<a class="chip chip--remove" href="([^"]*)" '
        r'aria-label="Remove filter: Deep tissue massage">',
        html,
    )
    assert chip, "a chip for each active filter"
    assert html.index("chip--remove") < html.index('class="result-list"')
    href = chip.group(1).replace("&amp;", "&")
    assert href == f"{LIST_URL}?verified=on"
    after = client.get(href).content.decode()
    assert "Remove filter: Deep tissue massage" not in after
    assert "Remove filter: Verified licence" in after


def test_a_search_that_finds_nobody_offers_changes_that_would_with_counts(client):
    make_listed(1, zip_code="11201")  # Brooklyn: about 4 miles from 10001
    response = client.get(f"{LIST_URL}?near=10001&radius=1&technique=deep-tissue")
    html = response.content.decode()
    assert "No therapists match all of these filters." in html
    offered = [(s.label, s.count_label) for s in response.context["suggestions"]]
    assert offered == [("Widen to 10 miles", "1 therapist")]
    link = re.search(r'<a class="suggestion" href="([^"]+)">Widen to 10 miles', html)
    assert '<span class="suggestion__count">1 therapist</span>' in html
    wider = client.get(link.group(1).replace("&amp;", "&"))
    assert len(result_names(wider)) == 1


def test_suggestions_are_counted_only_when_a_search_finds_nobody(client):
    make_listed(1)
    response = client.get(f"{LIST_URL}?near=10001&radius=1&technique=deep-tissue")
    assert result_names(response)
    assert response.context["suggestions"] == []
    assert "suggestion" not in response.content.decode()


def test_a_search_that_finds_nobody_stays_within_a_bounded_budget(
    client, django_assert_max_num_queries
):
    make_listed(5, verified=True)
    query = (
        "q=nobody&near=10001&radius=1&technique=swedish&condition=neck-pain"
        "&verified=on&accepting=on&mobile=on&accessible=on&min_rating=5"
        "&min_reviews=9&max_price=10&gender=man&language=fr"
    )
    # The page's own five, and one count per suggestion tried.
    with django_assert_max_num_queries(5 + filters.RADII_TRIED + filters.FILTERS_TRIED):
        response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert result_names(response) == []


def card_of(html: str, name: str) -> str:
    start = html.index(f">{name}</a>")
    return html[start : html.index("</article>", start)]


def test_a_card_shows_what_was_searched_first_and_at_most_three_chips(client):
    therapist = factories.make_therapist(display_name="Mara Chips")
    for slug in ("deep-tissue", "swedish", "trigger-point", "myofascial-release"):
        factories.add_technique(therapist, slug, years=5)
    factories.add_technique(therapist, "sports", years=1)
    therapist.conditions.add(factories.condition("sciatica"))
    factories.make_location(therapist, "10001")
    html = client.get(
        f"{LIST_URL}?technique=sports&condition=sciatica"
    ).content.decode()
    card = card_of(html, "Mara Chips")
    chips = re.findall(r'<li class="chip[^"]*">(.*?)</li>', card)
    plain = [re.sub(r"<[^>]+>", "", chip) for chip in chips]
    assert plain[:2] == [
        "✓ Matches your search: Sports massage",
        "✓ Matches your search: Sciatica",
    ]
    assert len(plain) == 4 and plain[3] == "+3 more techniques"
    assert 'aria-label="Techniques and conditions"' in card
    unsearched = client.get(LIST_URL).content.decode()
    card = card_of(unsearched, "Mara Chips")
    assert "Matches your search" not in card
    assert "+2 more techniques" in re.sub(r"<[^>]+>", "", card)


def test_a_card_says_back_pain_experience_in_words(client):
    seasoned = factories.make_therapist(
        display_name="Sam Seasoned",
        years_in_practice=9,
        back_pain_years=6,
        back_pain_caseload_percent=30,
    )
    new = factories.make_therapist(
        display_name="Nia New", back_pain_years=0, back_pain_caseload_percent=0
    )
    one = factories.make_therapist(
        display_name="Oli One", back_pain_years=1, back_pain_caseload_percent=100
    )
    for therapist in (seasoned, new, one):
        factories.add_technique(therapist)
        factories.make_location(therapist, "10001")
    html = client.get(LIST_URL).content.decode()
    assert (
        "Has treated back pain for 6 years; about 30% of clients come with back pain"
        in card_of(html, "Sam Seasoned")
    )
    new_card = card_of(html, "Nia New")
    assert "Treating back pain for less than a year" in new_card
    assert "%" not in new_card
    assert "Has treated back pain for 1 year;" in card_of(html, "Oli One")
    assert " yrs" not in html


def test_a_cards_profile_link_carries_the_searched_place(client):
    therapist = make_listed(1, zip_code="11201")[0]
    url = therapist.get_absolute_url()
    html = client.get(f"{LIST_URL}?near=Brooklyn,++NY").content.decode()
    assert f'href="{url}?near=Brooklyn%2C+NY"' in html
    html = client.get(LIST_URL).content.decode()
    assert f'href="{url}"' in html
    assert "?near=" not in html


def test_the_sort_button_shows_without_script(client):
    make_listed(1)
    html = client.get(f"{LIST_URL}?sort=price").content.decode()
    control = html[html.index('class="sort-control"') :]
    button = re.search(r"<button[^>]*>Sort</button>", control).group(0)
    assert 'type="submit"' in button and "hidden" not in button


@pytest.mark.parametrize("who", ["anonymous", "client", "therapist", "staff"])
def test_the_nav_offers_sign_up_to_visitors_only(
    client, client_user, therapist, staff_user, who
):
    users = {"client": client_user, "therapist": therapist.user, "staff": staff_user}
    if who in users:
        client.force_login(users[who])
    html = client.get(LIST_URL).content.decode()
    nav = html[html.index('<nav class="site-nav') : html.index("</nav>")]
    assert '<summary class="site-nav__toggle">' in nav
    sign_up = f'href="{reverse("accounts:signup")}?role=client"'
    assert (sign_up in nav) == (who == "anonymous")
    assert ("Log in" in nav) == (who == "anonymous")
