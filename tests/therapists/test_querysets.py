import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone

from tests import factories
from therapists import search
from therapists.geocoding import geocode
from therapists.models import Therapist
from therapists.ranking import Sort
from verification.models import Credential

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def slugs(queryset):
    return [therapist.slug for therapist in queryset]


def test_published_hides_drafts():
    factories.make_therapist(slug="live")
    factories.make_therapist(slug="draft", is_published=False)
    assert slugs(Therapist.objects.published()) == ["live"]


@pytest.mark.parametrize(
    ("kind", "status", "days_to_expiry", "has_badge"),
    [
        (Credential.Kind.STATE_LICENCE, Credential.Status.VERIFIED, 30, True),
        (Credential.Kind.BOARD_CERTIFICATION, Credential.Status.VERIFIED, 30, True),
        (Credential.Kind.STATE_LICENCE, Credential.Status.VERIFIED, 0, True),
        (Credential.Kind.STATE_LICENCE, Credential.Status.VERIFIED, -1, False),
        (Credential.Kind.STATE_LICENCE, Credential.Status.PENDING, 30, False),
        (Credential.Kind.STATE_LICENCE, Credential.Status.REJECTED, 30, False),
        (Credential.Kind.STATE_LICENCE, Credential.Status.EXPIRED, -5, False),
        (Credential.Kind.ASSOCIATION_MEMBERSHIP, Credential.Status.VERIFIED, 30, False),
        (Credential.Kind.TECHNIQUE_CERTIFICATE, Credential.Status.VERIFIED, 30, False),
    ],
)
def test_verified_follows_the_badge_rule(kind, status, days_to_expiry, has_badge):
    therapist = factories.make_therapist()
    # New York licenses massage therapists; Kansas does not, so a national
    # board certification counts there (CredentialQuerySet.badge_qualifying).
    factories.make_location(therapist, "10001")
    factories.make_location(therapist, "66044")
    verified_at = {"verified_at": timezone.now(), "verification_method": "board_roster"}
    national = kind == Credential.Kind.BOARD_CERTIFICATION
    factories.make_credential(
        therapist,
        jurisdiction="US" if national else "NY",
        kind=kind,
        status=status,
        expires_on=TODAY + datetime.timedelta(days=days_to_expiry),
        **(verified_at if status == Credential.Status.EXPIRED else {}),
    )
    assert Therapist.objects.verified().filter(pk=therapist.pk).exists() is has_badge
    annotated = Therapist.objects.with_badge().get(pk=therapist.pk)
    assert annotated.has_badge is has_badge


def test_badge_drops_the_day_after_expiry_without_any_job_running():
    therapist = factories.make_therapist()
    factories.make_location(therapist, "10001")
    factories.make_credential(therapist, expires_on=TODAY + datetime.timedelta(days=3))
    later = TODAY + datetime.timedelta(days=4)
    assert Therapist.objects.verified().filter(pk=therapist.pk).exists()
    assert not Therapist.objects.verified(on=later).filter(pk=therapist.pk).exists()


def test_no_therapist_shows_a_badge_without_a_qualifying_credential():
    """The stored badge column agrees with the credential rule for every therapist."""
    kinds = list(Credential.Kind)
    statuses = list(Credential.Status)
    for n in range(30):
        therapist = factories.make_therapist()
        # Most practise in New York, some in Kansas (no state licence), some
        # nowhere yet.
        for zip_code in [["10001"], ["66044"], ["10001", "66044"], []][n % 4]:
            factories.make_location(therapist, zip_code)
        for k in range(n % 3):
            status = statuses[(n + k) % len(statuses)]
            extra = {}
            if status == Credential.Status.EXPIRED:
                extra = {
                    "verified_at": timezone.now(),
                    "verification_method": "board_roster",
                }
            kind = kinds[(n * 7 + k) % len(kinds)]
            factories.make_credential(
                therapist,
                kind=kind,
                jurisdiction="US"
                if kind == Credential.Kind.BOARD_CERTIFICATION and n % 2
                else "NY",
                status=status,
                expires_on=TODAY + datetime.timedelta(days=(n % 5) * 20 - 30),
                **extra,
            )
    by_rule = set(
        Credential.objects.badge_qualifying().values_list("therapist_id", flat=True)
    )
    assert set(Therapist.objects.verified().values_list("pk", flat=True)) == by_rule
    assert by_rule  # the data set exercises both outcomes
    assert Therapist.objects.exclude(pk__in=by_rule).exists()


def test_accepting_clients_mobile_and_accessible_filters():
    factories.make_therapist(
        slug="all", offers_mobile_visits=True, wheelchair_accessible=True
    )
    factories.make_therapist(
        slug="none",
        accepting_new_clients=False,
        offers_mobile_visits=False,
        wheelchair_accessible=False,
    )
    assert slugs(Therapist.objects.accepting_clients()) == ["all"]
    assert slugs(Therapist.objects.visiting_clients()) == ["all"]
    assert slugs(Therapist.objects.wheelchair_accessible()) == ["all"]


def test_offering_matches_any_of_the_techniques_once():
    both = factories.make_therapist(slug="both")
    factories.add_technique(both, "deep-tissue")
    factories.add_technique(both, "trigger-point")
    swedish = factories.make_therapist(slug="swedish")
    factories.add_technique(swedish, "swedish")
    found = Therapist.objects.offering(["deep-tissue", "trigger-point"])
    assert slugs(found) == ["both"]
    assert slugs(
        Therapist.objects.offering(["swedish", "deep-tissue"]).order_by("slug")
    ) == [
        "both",
        "swedish",
    ]


def test_treating_and_speaking():
    sciatica = factories.make_therapist(slug="sciatica")
    sciatica.conditions.add(factories.condition("sciatica"))
    factories.add_language(sciatica, "es")
    factories.make_therapist(slug="other")
    assert slugs(Therapist.objects.treating(["sciatica"])) == ["sciatica"]
    assert slugs(Therapist.objects.speaking("es")) == ["sciatica"]
    assert slugs(Therapist.objects.speaking("fr")) == []


def test_rated_and_reviewed_at_least_use_stored_aggregates():
    good = factories.make_therapist(slug="good")
    factories.make_review(good, rating=5)
    factories.make_review(good, rating=4)
    poor = factories.make_therapist(slug="poor")
    factories.make_review(poor, rating=2)
    assert slugs(Therapist.objects.rated_at_least(4.5)) == ["good"]
    assert slugs(Therapist.objects.reviewed_at_least(2)) == ["good"]


def test_near_finds_locations_within_the_radius_with_their_distance():
    manhattan = factories.make_location(
        factories.make_therapist(slug="manhattan"), "10001"
    )
    factories.make_location(factories.make_therapist(slug="philly"), "19103")
    factories.make_location(factories.make_therapist(slug="la"), "90012")
    point = geocode("10001")
    found = list(Therapist.objects.near(point, 25).prefetch_related("locations"))
    assert slugs(found) == ["manhattan"]
    search.measure(found, point)
    assert found[0].distance_miles == pytest.approx(0, abs=0.01)
    assert found[0].listing_location.pk == manhattan.pk
    assert slugs(Therapist.objects.near(point, 100).order_by("slug")) == [
        "manhattan",
        "philly",
    ]


def test_near_uses_the_nearest_of_several_locations():
    therapist = factories.make_therapist(slug="two-studios")
    factories.make_location(therapist, "19103")  # Philadelphia, ~80 miles
    brooklyn = factories.make_location(therapist, "11201")  # Brooklyn, ~3 miles
    point = geocode("10001")
    found = Therapist.objects.near(point, 100).sorted_by("distance").get()
    search.measure([found], point)
    assert found.listing_location.pk == brooklyn.pk
    assert 2 < found.distance_miles < 6
    assert found.listing_location == brooklyn


def test_near_excludes_points_inside_the_box_but_outside_the_circle():
    point = geocode("10001")
    corner_lat = point.latitude + 0.3
    corner_lon = point.longitude + 0.39  # ~20 miles north and ~20 east: ~28 miles away
    therapist = factories.make_therapist(slug="corner")
    factories.make_location(
        therapist, "10001", latitude=corner_lat, longitude=corner_lon
    )
    assert not Therapist.objects.near(point, 25).exists()
    assert Therapist.objects.near(point, 35).exists()


def test_search_matches_every_word_across_fields():
    maria = factories.make_therapist(slug="maria", display_name="Maria Lopez", bio="")
    factories.add_technique(maria, "myofascial-release")
    factories.make_location(maria, "11201")
    factories.make_therapist(
        slug="other", display_name="Sam Kay", headline="Sports work"
    )
    assert slugs(Therapist.objects.search("maria")) == ["maria"]
    assert slugs(Therapist.objects.search("myofascial brooklyn")) == ["maria"]
    assert slugs(Therapist.objects.search("myofascial chicago")) == []
    assert slugs(Therapist.objects.search("SPORTS")) == ["other"]


def test_search_matches_word_prefixes_and_conditions():
    therapist = factories.make_therapist(slug="mf", display_name="Noor Haddad")
    factories.add_technique(therapist, "myofascial-release")
    therapist.conditions.add(factories.condition("sciatica"))
    Therapist.objects.filter(pk=therapist.pk).refresh_search_documents()
    assert slugs(Therapist.objects.search("myofasc")) == ["mf"]
    assert slugs(Therapist.objects.search("Sciatica noor")) == ["mf"]
    assert slugs(Therapist.objects.search("fascial")) == []  # prefixes, not infixes


def test_search_ignores_punctuation_and_operators():
    factories.make_therapist(slug="jo", display_name="Jo O'Neil")
    assert slugs(Therapist.objects.search("o'neil (jo) -* :")) == ["jo"]
    assert slugs(Therapist.objects.search('AND OR NOT "')) == []  # words, not syntax
    assert slugs(Therapist.objects.search("!!!")) == ["jo"]  # no words: no filter


@pytest.mark.skipif(
    connection.vendor not in ("sqlite", "postgresql"), reason="engine-specific index"
)
def test_search_uses_the_full_text_index():
    assert "therapists_search" in str(Therapist.objects.search("maria").query)


def test_search_reflects_profile_changes_after_refresh():
    therapist = factories.make_therapist(slug="renamed", display_name="Old Name")
    Therapist.objects.filter(pk=therapist.pk).update(display_name="Brand New")
    assert slugs(Therapist.objects.search("brand")) == []
    Therapist.objects.filter(pk=therapist.pk).refresh_search_documents()
    assert slugs(Therapist.objects.search("brand")) == ["renamed"]
    assert slugs(Therapist.objects.search("old")) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (Sort.BEST, ["a", "b", "c"]),
        (Sort.RATING, ["b", "a", "c"]),
        (Sort.REVIEWS, ["c", "a", "b"]),
        (Sort.PRICE, ["c", "b", "a"]),
        (Sort.EXPERIENCE, ["b", "c", "a"]),
    ],
)
def test_sorted_by_orders_by_each_sort(sort, expected):
    a = factories.make_therapist(slug="a", session_price=150, back_pain_years=1)
    b = factories.make_therapist(slug="b", session_price=100, back_pain_years=9)
    c = factories.make_therapist(slug="c", session_price=80, back_pain_years=5)
    factories.make_credential(a)
    factories.make_credential(a, kind="board_certification", issuer="NCBTMB")
    factories.make_review(a, rating=5)
    factories.make_review(a, rating=4)
    factories.make_review(b, rating=5)
    for _ in range(3):
        factories.make_review(c, rating=2)
    assert slugs(Therapist.objects.sorted_by(sort)) == expected


def test_sorted_by_distance_without_near_falls_back_to_best():
    low = factories.make_therapist(slug="low")
    high = factories.make_therapist(slug="high")
    factories.make_credential(high)
    assert low.pk  # created first, so only the score can put "high" first
    assert slugs(Therapist.objects.sorted_by(Sort.DISTANCE)) == ["high", "low"]


def test_sorted_by_distance_puts_the_nearest_first():
    factories.make_location(factories.make_therapist(slug="newark"), "07102")
    factories.make_location(factories.make_therapist(slug="midtown"), "10001")
    factories.make_location(factories.make_therapist(slug="brooklyn"), "11201")
    near = Therapist.objects.near(geocode("10001"), 30).sorted_by(Sort.DISTANCE)
    assert slugs(near) == ["midtown", "brooklyn", "newark"]


def test_visible_to_shows_drafts_only_to_owner_and_staff(therapist, other_therapist):
    draft = factories.make_therapist(slug="draft", is_published=False)
    staff = factories.make_user(is_staff=True)
    assert "draft" not in slugs(Therapist.objects.visible_to(AnonymousUser()))
    assert "draft" not in slugs(Therapist.objects.visible_to(other_therapist.user))
    assert "draft" in slugs(Therapist.objects.visible_to(draft.user))
    assert "draft" in slugs(Therapist.objects.visible_to(staff))


def test_rerank_changes_only_scores_that_moved():
    therapist = factories.make_therapist()
    assert Therapist.objects.rerank() == 0
    Therapist.objects.filter(pk=therapist.pk).update(qualification_score=99)
    assert Therapist.objects.rerank() == 1
    therapist.refresh_from_db()
    assert therapist.qualification_score != 99


def test_for_listing_runs_a_fixed_number_of_queries(django_assert_num_queries):
    for n in range(25):
        therapist = factories.make_therapist()
        factories.add_technique(therapist, "deep-tissue")
        factories.add_technique(therapist, "swedish")
        factories.make_location(therapist, "10001" if n % 2 else "11201")
    # rows, technique links, locations
    with django_assert_num_queries(3):
        results = list(Therapist.objects.published().for_listing()[:20])
        search.measure(results, None)
        for therapist in results:
            [link.technique.name for link in therapist.technique_links.all()]
            therapist.listing_location.city  # noqa: B018
            therapist.has_badge  # noqa: B018


def test_for_profile_runs_a_fixed_number_of_queries(django_assert_num_queries):
    therapist = factories.make_therapist()
    factories.add_technique(therapist)
    factories.add_language(therapist)
    factories.make_location(therapist)
    factories.make_credential(therapist)
    factories.make_credential(therapist, status="rejected", issuer="Another board")
    therapist.conditions.add(factories.condition())
    # The profile page adds the credentials panel, which verification owns.
    credentials = Prefetch("credentials", queryset=Credential.objects.for_profile())
    # therapist, techniques, conditions, locations, languages, credentials
    with django_assert_num_queries(6):
        loaded = (
            Therapist.objects.for_profile()
            .prefetch_related(credentials)
            .get(pk=therapist.pk)
        )
        assert [c.status for c in loaded.credentials.all()] == ["verified"]
        list(loaded.technique_links.all())
        list(loaded.conditions.all())
        list(loaded.locations.all())
        list(loaded.languages.all())
