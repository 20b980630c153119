"""The shortlist: in the session for visitors, saved for members, merged at login."""

import re

import pytest
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
    """Slugs the shortlist page offers to compare, in page order."""
    return re.findall(r'name="t" value="([^"]+)"', page(client.get(SHORTLIST_URL)))


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

    html = page(client.get(SHORTLIST_URL))
    assert "Dana Owner" in html
    assert 'name="t" value="dana-owner"' in html


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
    assert sorted(listed(client)) == ["dana-owner", "olive-other"]


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
