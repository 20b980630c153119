"""The page on what massage can and cannot do, and the pages that link to it."""

import pytest
from django.urls import reverse

from tests import factories

PAGE = reverse("massage-evidence")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "client", "therapist", "staff"])
def test_everyone_can_read_it_with_its_sources(client, who):
    if who != "anonymous":
        client.force_login(
            factories.make_user(username=f"{who}@example.org", is_staff=who == "staff")
        )
    html = client.get(PAGE).content.decode()
    for words in (
        "emergency department",
        "loss of bladder or bowel control",
        "American College of Physicians (2017)",
        "NG59",
        "World Health Organization (2023)",
        "How many sessions to try",
        "What to expect at a first visit",
    ):
        assert words in html


@pytest.mark.django_db
def test_home_links_to_it(client):
    assert f'href="{PAGE}"' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_every_profile_links_to_it(client):
    therapist = factories.make_therapist()
    html = client.get(therapist.get_absolute_url()).content.decode()
    assert f'href="{PAGE}"' in html


@pytest.mark.django_db
def test_the_interview_form_names_the_red_flags_and_links_to_it(client):
    therapist = factories.make_therapist()
    client.force_login(factories.make_user())
    url = reverse("interviews:request", kwargs={"slug": therapist.slug})
    html = client.get(url).content.decode()
    assert f'href="{PAGE}"' in html
    assert "loss of bladder or bowel control" in html
