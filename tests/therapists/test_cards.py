"""The search page's kept cards (therapists.cards): a card is rendered once per
therapist version, search and day, and every kind of change to what it shows
is on the next look."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from profiles import versions
from tests import factories
from therapists import availability, cards
from therapists.models import PracticeLocation, Technique, Therapist, TherapistTechnique

pytestmark = pytest.mark.django_db

LIST_URL = "/therapists/"
NEAR = f"{LIST_URL}?near=10001&technique=deep-tissue"
UNKEPT = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
CARDS = re.compile(r'<ol class="result-list">.*?</ol>', re.S)


def cards_of(client, url=NEAR) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return CARDS.search(response.content.decode()).group()


def rendered(client, url=NEAR) -> str:
    """The cards as rendered now, none kept or taken from the cache."""
    with override_settings(CACHES={**caches.settings, "cards": UNKEPT}):
        return cards_of(client, url)


def statements(client, url=NEAR) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        cards_of(client, url)
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def listed():
    therapists = []
    for name, zip_code in (("Ana Ruiz", "10001"), ("Ben Cole", "10002")):
        therapist = factories.make_therapist(display_name=name)
        factories.add_technique(therapist, "deep-tissue")
        factories.add_technique(therapist, "myofascial-release", years=1)
        factories.make_location(therapist, zip_code)
        factories.make_review(therapist, rating=4)
        therapists.append(therapist)
    # Open in the evenings, and offering 90 minutes: searches for those find
    # them.
    evenings = availability.mask_of(["evenings"])
    Therapist.objects.filter(pk__in=[t.pk for t in therapists]).update(
        hours_bits=evenings, price_90=150
    )
    return therapists


def test_a_second_look_reads_no_techniques_or_locations_and_shows_the_same(
    client, listed
):
    first = statements(client)
    again = statements(client)
    read = lambda sql, table: [q for q in sql if f"FROM {table}" in q]  # noqa: E731
    for table in ("therapists_therapisttechnique l", "therapists_practicelocation pl"):
        assert read(first, table) and not read(again, table)
    assert len(again) == len(first) - 2
    assert cards_of(client) == rendered(client)
    for therapist in listed:
        assert therapist.display_name in cards_of(client)


def _technique_renamed(therapist):
    Technique.objects.filter(slug="myofascial-release").update(name="Fascia work")
    return "Fascia work"


def _technique_added(therapist):
    TherapistTechnique.objects.create(
        therapist=therapist, technique=factories.technique("trigger-point"), years=9
    )
    return "Trigger"


def _technique_dropped(therapist):
    TherapistTechnique.objects.filter(
        therapist=therapist, technique__slug="myofascial-release"
    ).delete()
    return None


def _moved(therapist):
    PracticeLocation.objects.filter(therapist=therapist).update(city="Hoboken")
    return "Hoboken"


def _opened_nearer(therapist):
    # A second practice, nearer the searched place: the card names it.
    factories.make_location(therapist, "10001", city="Chelsea")
    return "Chelsea"


def _repriced(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(session_price=171)
    return "$171"


def _renamed(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(headline="Slow, careful work")
    return "Slow, careful work"


def _stopped_taking_clients(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(accepting_new_clients=False)
    return "Not taking new clients"


def _reviewed(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(rating_count=7)
    return "(7 reviews)"


def _badge_lapsed(therapist):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Therapist.objects.filter(pk=therapist.pk).update(badge_valid_until=yesterday)
    return None


def _photographed(therapist):
    Therapist.objects.filter(pk=therapist.pk).update(
        photo_thumbnail="therapists/thumbs/new-face.jpg"
    )
    return "new-face.jpg"


@pytest.mark.parametrize(
    "change",
    [
        _technique_renamed,
        _technique_added,
        _technique_dropped,
        _moved,
        _opened_nearer,
        _repriced,
        _renamed,
        _stopped_taking_clients,
        _reviewed,
        _badge_lapsed,
        _photographed,
    ],
)
def test_every_kind_of_change_is_on_the_next_look(client, listed, change, monkeypatch):
    """Changed with update(): no signal, no save(); the database's versions
    (profiles.versions) tell the cards, with the digest of the page's own
    columns left out of the key."""
    monkeypatch.setattr(cards, "_columns_digest", lambda therapist: "any")
    factories.make_credential(listed[1])
    before = cards_of(client)
    assert cards_of(client) == before  # kept
    shown = change(listed[1])
    after = cards_of(client)
    assert after != before
    if shown:
        assert shown in after
    assert after == rendered(client)


@pytest.mark.parametrize(
    "other",
    [
        f"{LIST_URL}?near=10001&technique=myofascial-release",  # other chips ticked
        f"{LIST_URL}?near=10002&technique=deep-tissue",  # other distances
        f"{LIST_URL}?technique=deep-tissue",  # no distance, no place carried
        f"{NEAR}&length=90",  # another session's price
        f"{NEAR}&hours=evenings",  # the hours said
    ],
)
def test_a_card_is_kept_for_its_search(client, listed, other):
    cards_of(client)
    shown = cards_of(client, other)
    assert shown.count('<article class="card result"') == 2
    assert shown == rendered(client, other)


def test_a_new_day_renders_afresh(client, listed, monkeypatch):
    cards_of(client)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(cards, "timezone", SimpleNamespace(localdate=lambda: tomorrow))
    assert any("therapists_practicelocation pl" in sql for sql in statements(client))


def test_a_change_between_the_page_and_its_versions_is_not_kept_for_newer_pages(
    client, listed, monkeypatch
):
    """The page's statement read the therapist, then a write landed, then the
    versions were read: the card rendered from the older row is not what a
    page that reads the newer row is served."""
    asked = cards._versions_of

    def after_a_write(ids):
        Therapist.objects.filter(pk=listed[0].pk).update(headline="Written between")
        return asked(ids)

    monkeypatch.setattr(cards, "_versions_of", after_a_write)
    assert "Written between" not in cards_of(client)
    monkeypatch.setattr(cards, "_versions_of", asked)
    assert "Written between" in cards_of(client)
    assert cards_of(client) == rendered(client)


def test_without_versions_every_card_is_rendered(client, listed, monkeypatch):
    monkeypatch.setattr(cards, "_versions_of", None)
    cards_of(client)
    sql = statements(client)
    assert any("therapists_practicelocation pl" in q for q in sql)
    assert not any("profile" in q for q in sql)
    assert cards_of(client) == rendered(client)


def test_a_cache_that_fails_is_read_past(client, listed, monkeypatch):
    """(How long it is left alone: tests/core/test_kept.py.)"""
    monkeypatch.setattr(cards.KEPT, "paused_until", 0.0)
    expected = rendered(client)

    def broken(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(caches["cards"], "get_many", broken)
    monkeypatch.setattr(caches["cards"], "set_many", broken)
    assert cards_of(client) == expected
    assert cards.KEPT.paused_until > 0


def test_the_versions_are_each_therapist_s_with_every_profile_s(listed):
    first, second = listed
    before = versions.of([first.pk, second.pk])
    Therapist.objects.filter(pk=first.pk).update(headline="Changed")
    after = versions.of([first.pk, second.pk])
    assert after[first.pk] != before[first.pk]
    assert after[second.pk] == before[second.pk]
    Technique.objects.filter(slug="deep-tissue").update(name="Deep work")
    assert versions.of([second.pk])[second.pk] != after[second.pk]
    assert versions.of([]) == {}
