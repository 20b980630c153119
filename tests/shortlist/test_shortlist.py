"""The shortlist: in the session for visitors, saved for members, merged at login."""

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tokens import email_confirmation_token
from shortlist.models import ShortlistEntry
from shortlist.session import MAX_SHORTLIST, SESSION_KEY
from tests import factories
from tests.accounts.helpers import PASSWORD
from tests.shortlist.helpers import page

pytestmark = pytest.mark.django_db

SHORTLIST_URL = reverse("shortlist:shortlist")
LOGIN_URL = reverse("login")


def toggle_url(therapist):
    return reverse("shortlist:toggle", kwargs={"slug": therapist.slug})


def listed(client) -> list[str]:
    """Slugs of the therapists the shortlist page lists (each with its own
    Remove button), in page order."""
    return re.findall(
        r'<form id="remove-\d+" method="post" action="/therapists/([^/]+)/shortlist/"',
        page(client.get(SHORTLIST_URL)),
    )


def saved(user) -> list[str]:
    return list(
        ShortlistEntry.objects.filter(user=user).values_list(
            "therapist__slug", flat=True
        )
    )


# --- visitors -----------------------------------------------------------------


def test_visitor_adds_a_therapist_and_sees_them_on_the_shortlist(client, therapist):
    response = client.post(toggle_url(therapist), follow=True)
    assert response.redirect_chain[0][0] == therapist.get_absolute_url()
    assert "Dana Owner is on your shortlist." in page(response)
    assert "Remove from shortlist" in page(response)
    assert client.session[SESSION_KEY] == [therapist.pk]
    assert not ShortlistEntry.objects.exists()

    assert listed(client) == ["dana-owner"]


def test_visitor_toggling_again_removes_the_therapist(client, therapist):
    client.post(toggle_url(therapist))
    response = client.post(toggle_url(therapist), follow=True)
    assert "Dana Owner is off your shortlist." in page(response)
    assert client.session[SESSION_KEY] == []
    assert "Your shortlist is empty." in page(client.get(SHORTLIST_URL))


def test_visitor_shortlist_keeps_the_order_added(client, therapist, other_therapist):
    client.post(toggle_url(other_therapist))
    client.post(toggle_url(therapist))
    assert client.session[SESSION_KEY] == [other_therapist.pk, therapist.pk]
    assert listed(client) == ["olive-other", "dana-owner"]


def test_visitor_shortlist_stops_at_its_maximum(client):
    therapists = [factories.make_therapist() for _ in range(MAX_SHORTLIST + 1)]
    for therapist in therapists:
        client.post(toggle_url(therapist))
    assert client.session[SESSION_KEY] == [t.pk for t in therapists[:MAX_SHORTLIST]]


def test_shortlisting_needs_post(client, therapist):
    assert client.get(toggle_url(therapist)).status_code == 405
    assert SESSION_KEY not in client.session


def test_unpublished_therapist_cannot_be_shortlisted(client, client_user):
    draft = factories.make_therapist(is_published=False)
    assert client.post(toggle_url(draft)).status_code == 404
    assert client.session.get(SESSION_KEY, []) == []

    client.force_login(client_user)
    assert client.post(toggle_url(draft)).status_code == 404
    assert not ShortlistEntry.objects.exists()


def test_therapist_unpublished_after_shortlisting_leaves_the_page(
    client, therapist, other_therapist
):
    client.post(toggle_url(therapist))
    client.post(toggle_url(other_therapist))
    other_therapist.is_published = False
    other_therapist.save()
    assert listed(client) == ["dana-owner"]


# --- members ------------------------------------------------------------------


def test_member_shortlist_is_saved_to_their_account(
    client, client_user, therapist, other_therapist
):
    client.force_login(client_user)
    client.post(toggle_url(therapist))
    client.post(toggle_url(other_therapist))
    assert saved(client_user) == ["dana-owner", "olive-other"]
    assert SESSION_KEY not in client.session

    client.post(toggle_url(therapist))
    assert saved(client_user) == ["olive-other"]
    assert listed(client) == ["olive-other"]


def test_member_shortlist_survives_logging_out_and_in(client, client_user, therapist):
    client.force_login(client_user)
    client.post(toggle_url(therapist))
    client.logout()
    assert "Your shortlist is empty." in page(client.get(SHORTLIST_URL))
    client.force_login(client_user)
    assert listed(client) == ["dana-owner"]


def test_member_shortlist_stops_at_its_maximum(client, client_user):
    therapists = [factories.make_therapist() for _ in range(MAX_SHORTLIST + 1)]
    client.force_login(client_user)
    for therapist in therapists:
        client.post(toggle_url(therapist))
    assert ShortlistEntry.objects.filter(user=client_user).count() == MAX_SHORTLIST
    assert therapists[-1].slug not in saved(client_user)


def test_one_members_shortlist_is_not_anothers(client, client_user, therapist):
    factories.make_shortlist_entry(therapist=therapist)
    client.force_login(client_user)
    assert "Your shortlist is empty." in page(client.get(SHORTLIST_URL))


# --- merging at login -----------------------------------------------------------


def test_logging_in_merges_the_visitor_shortlist_without_duplicates(
    client, therapist, other_therapist
):
    user = factories.make_account("imani@example.org")
    factories.make_shortlist_entry(user=user, therapist=therapist)
    client.post(toggle_url(therapist))
    client.post(toggle_url(other_therapist))

    response = client.post(
        LOGIN_URL, {"username": "imani@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert sorted(saved(user)) == ["dana-owner", "olive-other"]
    assert SESSION_KEY not in client.session
    assert sorted(listed(client)) == ["dana-owner", "olive-other"]


def test_failed_login_keeps_the_visitor_shortlist(client, therapist):
    factories.make_account("imani@example.org")
    client.post(toggle_url(therapist))
    client.post(LOGIN_URL, {"username": "imani@example.org", "password": "wrong"})
    assert client.session[SESSION_KEY] == [therapist.pk]
    assert not ShortlistEntry.objects.exists()


def test_confirming_an_email_merges_the_visitor_shortlist(client, therapist):
    user = factories.make_account("imani@example.org", is_active=False)
    client.post(toggle_url(therapist))
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_confirmation_token.make_token(user)
    response = client.post(
        reverse("accounts:confirm", kwargs={"uidb64": uid, "token": token})
    )
    assert response.status_code == 302
    assert saved(user) == ["dana-owner"]
    assert SESSION_KEY not in client.session


# --- where toggling sends you --------------------------------------------------


def test_next_sends_back_to_a_local_page(client, therapist):
    response = client.post(toggle_url(therapist), {"next": "/therapists/?q=neck"})
    assert response.status_code == 302
    assert response.url == "/therapists/?q=neck"


@pytest.mark.parametrize(
    "next_url",
    ["http://evil.example/", "https://evil.example/phish", "//evil.example/", ""],
)
def test_next_never_leaves_the_site(client, therapist, next_url):
    response = client.post(toggle_url(therapist), {"next": next_url})
    assert response.status_code == 302
    assert response.url == therapist.get_absolute_url()


@pytest.mark.parametrize(
    "next_url", ["/\\evil.example/", "/\t/evil.example/", "https:/x"]
)
def test_next_is_checked_by_djangos_own_rule(client, therapist, next_url):
    # url_has_allowed_host_and_scheme() refuses what a browser could read as
    # another host, so the visitor lands on the profile instead.
    response = client.post(toggle_url(therapist), {"next": next_url})
    assert response.url == therapist.get_absolute_url()


def test_next_may_be_a_full_url_of_this_site(client, therapist):
    response = client.post(
        toggle_url(therapist), {"next": "http://testserver/therapists/?q=neck"}
    )
    assert response.url == "http://testserver/therapists/?q=neck"


@pytest.mark.parametrize("trick", ["/\\evil.example/", "/\t/evil.example/"])
def test_next_with_a_backslash_or_tab_stays_on_the_site(client, therapist, trick):
    # Browsers treat a backslash or tab after the first slash as "//host"; the
    # redirect must arrive percent-encoded so that it stays a path on this site.
    response = client.post(toggle_url(therapist), {"next": trick})
    location = response.headers["Location"]
    assert location.startswith("/")
    assert location[1] not in "/\\\t"


# --- the page itself ------------------------------------------------------------


def shortlist_of(client, *therapists):
    for therapist in therapists:
        client.post(toggle_url(therapist))


def ticked(html) -> list[str]:
    return re.findall(
        r'<input type="checkbox" name="t" value="([^"]+)"[^>]*checked', html
    )


def heading_levels(html) -> list[int]:
    main = html.split('<main id="main"', 1)[1]
    return [int(level) for level in re.findall(r"<h([1-6])\b", main)]


def test_nothing_is_ticked_until_the_person_ticks(client):
    shortlist_of(client, *[factories.make_therapist() for _ in range(5)])
    html = page(client.get(SHORTLIST_URL))
    assert "<h2>Tick two to four therapists to compare</h2>" in html
    assert html.count('<input type="checkbox" name="t"') == 5
    assert ticked(html) == []


@pytest.mark.parametrize("how_many", [1, 2, 5])
def test_headings_go_down_one_level_at_a_time(client, how_many):
    shortlist_of(client, *[factories.make_therapist() for _ in range(how_many)])
    levels = heading_levels(page(client.get(SHORTLIST_URL)))
    assert levels[:3] == [1, 2, 3]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_one_therapist_asks_for_another_before_comparing(client, therapist):
    shortlist_of(client, therapist)
    html = page(client.get(SHORTLIST_URL))
    assert "Add at least one more to compare them side by side." in html
    assert 'name="t"' not in html
    assert 'href="/therapists/">Find another therapist</a>' in html


def test_remove_takes_a_therapist_off_and_comes_back(
    client, therapist, other_therapist
):
    shortlist_of(client, therapist, other_therapist)
    html = page(client.get(SHORTLIST_URL))
    assert (
        f'<button type="submit" form="remove-{therapist.pk}" '
        'class="button button--quiet shortlist-row__remove">Remove'
        '<span class="visually-hidden"> Dana Owner from your shortlist</span></button>'
    ) in html
    response = client.post(toggle_url(therapist), {"next": SHORTLIST_URL}, follow=True)
    assert response.redirect_chain == [(SHORTLIST_URL, 302)]
    assert "Dana Owner is off your shortlist." in page(response)
    assert listed(client) == ["olive-other"]


def test_one_visitors_shortlist_is_not_anothers(therapist, other_therapist):
    first, second = Client(), Client()
    shortlist_of(first, therapist, other_therapist)
    assert "Your shortlist is empty." in page(second.get(SHORTLIST_URL))
    # Nor can the second visitor compare from the first one's list.
    response = second.get(SHORTLIST_URL, {"t": ["dana-owner", "olive-other"]})
    assert response.status_code == 200
    assert "Your shortlist is empty." in page(response)


# --- choosing whom to compare ---------------------------------------------------


@pytest.fixture
def five(client):
    therapists = [
        factories.make_therapist(display_name=f"Pat {n}", slug=f"pat-{n}")
        for n in range(5)
    ]
    shortlist_of(client, *therapists)
    return therapists


def choose(client, *slugs, near=""):
    return client.get(SHORTLIST_URL, {"t": list(slugs), "near": near})


@pytest.mark.parametrize("how_many", [2, 3, 4])
def test_two_to_four_ticked_go_to_the_comparison(client, five, how_many):
    slugs = [t.slug for t in five[:how_many]]
    response = choose(client, *slugs)
    assert response.status_code == 302
    link = urlsplit(response.url)
    assert link.path == reverse("shortlist:compare")
    assert parse_qs(link.query) == {"t": slugs}


def test_the_place_goes_along_no_finer_than_a_zip(client, five):
    response = choose(client, "pat-0", "pat-1", near=" 10001-4567 ")
    assert parse_qs(urlsplit(response.url).query) == {
        "t": ["pat-0", "pat-1"],
        "near": ["10001"],
    }


@pytest.mark.parametrize(
    ("slugs", "message"),
    [
        ((), "Tick at least two therapists to compare."),
        (("pat-0",), "Tick at least two therapists to compare (you ticked one)."),
        (
            ("pat-0", "pat-0"),
            "Tick at least two therapists to compare (you ticked one).",
        ),
        (
            ("pat-0", "pat-1", "pat-2", "pat-3", "pat-4"),
            "You can compare up to four at a time, and you ticked 5. Untick 1 and "
            "try again.",
        ),
        (
            ("pat-0", "somebody-else"),
            "One of the therapists you ticked is no longer on your shortlist. Tick "
            "two to four from the list below.",
        ),
    ],
)
def test_a_wrong_number_is_explained_next_to_the_choice_and_changes_nothing(
    client, five, slugs, message
):
    before = list(client.session[SESSION_KEY])
    response = choose(client, *slugs)
    assert response.status_code == 200
    html = page(response)
    # Inside the group of checkboxes, right under its heading, and described by it.
    assert (
        '<fieldset id="compare-choice" class="shortlist-choice field--invalid" '
        'aria-describedby="compare-choice-error" tabindex="-1">\n'
        "      <legend><h2>Tick two to four therapists to compare</h2></legend>\n"
        f'      <p class="field__error" id="compare-choice-error">{message}</p>'
    ) in html
    # And in the summary at the top, linked to the choice.
    assert f'<a href="#compare-choice">{message}</a>' in html
    assert "<title>Please check your choice: Your shortlist" in html
    # What was ticked stays ticked; the shortlist is untouched.
    assert ticked(html) == [s for s in dict.fromkeys(slugs) if s.startswith("pat")]
    assert client.session[SESSION_KEY] == before
    assert listed(client) == [t.slug for t in five]


@pytest.mark.parametrize(
    ("near", "message"),
    [
        (
            "Atlantis",
            "We could not find “Atlantis”. Try a five-digit ZIP code, or a "
            "city and state such as Brooklyn, NY.",
        ),
        ("00000", "We could not find “00000”."),
        ("1" * 61, "Keep the place to 60 characters"),
    ],
)
def test_an_unknown_place_is_explained_next_to_its_field(client, five, near, message):
    response = choose(client, "pat-0", "pat-1", near=near)
    assert response.status_code == 200
    html = page(response)
    error = re.search(r'<p class="field__error" id="id_near_error">([^<]+)</p>', html)
    assert message in html_lib.unescape(error.group(1))
    assert re.search(r'<input type="text" name="near"[^>]*aria-invalid="true"', html)
    assert '<a href="#id_near">' in html
    assert ticked(html) == ["pat-0", "pat-1"]


def test_unrelated_query_parameters_show_no_errors(client, five):
    html = page(client.get(SHORTLIST_URL, {"utm_source": "newsletter"}))
    assert "field__error" not in html
    assert "We could not compare them yet." not in html


def test_a_member_compares_from_their_own_saved_shortlist(
    client, client_user, therapist, other_therapist
):
    third = factories.make_therapist(display_name="Theo Third", slug="theo")
    factories.make_shortlist_entry(user=client_user, therapist=third)
    client.force_login(client_user)
    shortlist_of(client, therapist, other_therapist)
    assert choose(client, "dana-owner", "olive-other").status_code == 302
    # Someone else's shortlisted therapist is not theirs to tick.
    factories.make_shortlist_entry(therapist=factories.make_therapist(slug="zed"))
    response = choose(client, "dana-owner", "zed")
    assert "is no longer on your shortlist" in page(response)


def test_logging_in_keeps_the_order_the_visitor_added_them(client):
    user = factories.make_account("imani@example.org")
    kept = factories.make_therapist(slug="kept")
    factories.make_shortlist_entry(user=user, therapist=kept)
    added = [factories.make_therapist(slug=f"added-{n}") for n in range(4)]
    for n in (1, 3, 0, 2):
        client.post(toggle_url(added[n]))
    client.post(LOGIN_URL, {"username": "imani@example.org", "password": PASSWORD})
    assert saved(user) == ["kept", "added-1", "added-3", "added-0", "added-2"]
    assert listed(client) == saved(user)


def test_logging_in_fills_the_room_left_with_published_therapists_only(client):
    user = factories.make_account("imani@example.org")
    for _ in range(MAX_SHORTLIST - 1):
        factories.make_shortlist_entry(user=user, therapist=factories.make_therapist())
    draft = factories.make_therapist(slug="draft")
    wanted = factories.make_therapist(slug="wanted")
    client.post(toggle_url(draft))
    client.post(toggle_url(wanted))
    draft.is_published = False
    draft.save()
    client.post(LOGIN_URL, {"username": "imani@example.org", "password": PASSWORD})
    assert saved(user)[-1] == "wanted"
    assert len(saved(user)) == MAX_SHORTLIST
