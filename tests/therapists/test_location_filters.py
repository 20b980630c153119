"""The therapist facts copied onto PracticeLocation for the radius search
(`listed`, `badge_valid_until`, `technique_bits`): every way those facts change
leaves the copies equal to what the therapist and its techniques say, and the
search page lists exactly the therapists the exact filters would."""

import datetime
import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dashboard import publication
from tests import factories
from therapists import changes
from therapists.indexing import technique_bit, technique_bits_are_exact
from therapists.models import PracticeLocation, Technique, Therapist, TherapistTechnique
from verification import badges
from verification.models import Credential

pytestmark = pytest.mark.django_db

SEARCH_URL = reverse("therapists:list")
PUBLISH_URL = reverse("dashboard:publish")
TECHNIQUES_URL = reverse("dashboard:techniques")
LOCATION_ADD_URL = reverse("dashboard:location-add")
VERIFY = "verification.verify_credential"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


# --- helpers -----------------------------------------------------------------------


def expected_copies() -> dict[int, tuple[bool, datetime.date | None, int]]:
    """(listed, badge_valid_until, technique_bits) per location, recomputed from
    the therapist row and its TherapistTechnique rows."""
    techniques = defaultdict(set)
    for therapist_id, technique_id in TherapistTechnique.objects.values_list(
        "therapist_id", "technique_id"
    ):
        techniques[therapist_id].add(technique_id)
    therapists = {
        pk: (published, badge)
        for pk, published, badge in Therapist.objects.values_list(
            "pk", "is_published", "badge_valid_until"
        )
    }
    expected = {}
    for pk, therapist_id in PracticeLocation.objects.values_list("pk", "therapist_id"):
        bits = 0
        for technique_id in techniques[therapist_id]:
            bits |= technique_bit(technique_id)
        published, badge = therapists[therapist_id]
        expected[pk] = (published, badge, bits)
    return expected


def stored_copies() -> dict[int, tuple[bool, datetime.date | None, int]]:
    return {
        pk: (listed, badge, bits)
        for pk, listed, badge, bits in PracticeLocation.objects.values_list(
            "pk", "listed", "badge_valid_until", "technique_bits"
        )
    }


def assert_copies_current() -> None:
    """Every location's copied columns equal the therapist's current facts."""
    expected = expected_copies()
    assert expected, "no practice locations to check"
    assert stored_copies() == expected


def copies(location: PracticeLocation) -> tuple[bool, datetime.date | None, int]:
    location.refresh_from_db()
    return (location.listed, location.badge_valid_until, location.technique_bits)


def bits(*slugs: str) -> int:
    value = 0
    for slug in slugs:
        value |= technique_bit(factories.technique(slug).pk)
    return value


def publish(therapist: Therapist, published: bool = True) -> None:
    publication.set_published(therapist, published)


def radius_search(client, **params) -> set[str]:
    """Slugs the search page lists for a 25-mile search around 10001."""
    response = client.get(SEARCH_URL, {"near": "10001", "radius": 25, **params})
    assert response.status_code == 200
    assert not response.context["filter"].form.errors
    return {t.slug for t in response.context["page_obj"].object_list}


def live_profile(**overrides) -> Therapist:
    """A published profile with a complete checklist (photo, deep tissue, a
    location at 10001, a pending credential), so dashboard edits keep it live."""
    therapist = factories.make_publishable_draft(**overrides)
    publish(therapist)
    return therapist


# --- the bit --------------------------------------------------------------------


def test_technique_bit_gives_each_id_below_62_its_own_bit_and_wraps_after():
    assert technique_bit(0) == 1
    assert technique_bit(8) == 256
    assert technique_bit(61) == 1 << 61
    assert technique_bit(62) == 1
    assert technique_bit(70) == technique_bit(8)
    assert technique_bits_are_exact(61, [1, 2, 61]) is True
    assert technique_bits_are_exact(8, [1, 8, 61]) is True
    assert technique_bits_are_exact(8, [1, 8, 70]) is False
    assert technique_bits_are_exact(70, [1, 8, 70]) is False
    assert technique_bits_are_exact(62, [62]) is True


# --- creating locations -----------------------------------------------------------


def test_new_location_of_a_published_therapist_copies_its_facts():
    therapist = factories.make_therapist()
    factories.add_technique(therapist, "deep-tissue")
    factories.add_technique(therapist, "swedish")
    factories.make_credential(therapist, expires_on=days(200))

    location = factories.make_location(therapist, "10001")

    assert copies(location) == (True, days(200), bits("deep-tissue", "swedish"))
    assert_copies_current()


def test_new_location_of_a_draft_is_not_listed():
    draft = factories.make_therapist(is_published=False)
    factories.add_technique(draft, "trigger-point")

    location = factories.make_location(draft, "11201")

    assert copies(location) == (False, None, bits("trigger-point"))
    assert list(PracticeLocation.objects.listed()) == []
    assert_copies_current()


def test_location_added_on_the_dashboard_copies_the_facts(client):
    therapist = live_profile()
    factories.make_credential(therapist, expires_on=days(300))
    client.force_login(therapist.user)

    response = client.post(
        LOCATION_ADD_URL,
        {"name": "Brooklyn", "street_address": "1 Court St", "postal_code": "11201"},
    )

    assert response.status_code == 302
    added = therapist.locations.get(postal_code="11201")
    assert copies(added) == (True, days(300), bits("deep-tissue"))
    assert_copies_current()


# --- publishing -------------------------------------------------------------------


def test_publishing_and_unpublishing_with_set_published_moves_the_listed_copy():
    therapist = factories.make_therapist(is_published=False)
    factories.make_credential(therapist, expires_on=days(90))
    first = factories.make_location(therapist, "10001")
    second = factories.make_location(therapist, "11201")
    assert {copies(first)[0], copies(second)[0]} == {False}

    publish(therapist)

    assert copies(first) == (True, days(90), 0)
    assert copies(second) == (True, days(90), 0)
    assert_copies_current()

    publish(therapist, published=False)

    assert copies(first)[0] is False
    assert copies(second)[0] is False
    assert_copies_current()


def test_dashboard_publish_and_unpublish_move_the_listed_copy(client):
    draft = factories.make_publishable_draft()
    location = draft.locations.get()
    assert copies(location)[0] is False
    client.force_login(draft.user)

    client.post(PUBLISH_URL, {"action": "publish"})

    assert copies(location)[0] is True
    assert_copies_current()

    client.post(PUBLISH_URL, {"action": "unpublish"})

    assert copies(location)[0] is False
    assert_copies_current()


def test_removing_the_photo_on_the_dashboard_unlists_the_locations(client):
    therapist = live_profile()
    location = therapist.locations.get()
    assert copies(location)[0] is True
    client.force_login(therapist.user)

    client.post(reverse("dashboard:photo-delete"))

    assert copies(location)[0] is False
    assert_copies_current()


def test_publishing_from_an_instance_loaded_before_a_staff_decision_keeps_the_badge(
    client,
):
    therapist = factories.make_publishable_draft()
    location = therapist.locations.get()
    loaded_earlier = Therapist.objects.get(pk=therapist.pk)
    credential = therapist.credentials.get()
    client.force_login(factories.make_staff_user(permissions=[VERIFY]))
    client.post(
        reverse("verification:review", args=[credential.pk]),
        {"decision": "approve", "method": "board_roster", "note": "On the roster."},
    )
    assert copies(location)[1] == credential.expires_on

    publish(loaded_earlier)

    assert copies(location) == (True, credential.expires_on, bits("deep-tissue"))
    assert_copies_current()


# --- techniques -------------------------------------------------------------------


def test_adding_and_removing_a_technique_then_techniques_changed_moves_the_bits():
    therapist = factories.make_therapist()
    location = factories.make_location(therapist, "10001")
    assert copies(location)[2] == 0

    factories.add_technique(therapist, "deep-tissue")
    swedish = factories.add_technique(therapist, "swedish")
    changes.techniques_changed(therapist)

    assert copies(location)[2] == bits("deep-tissue", "swedish")
    assert_copies_current()

    swedish.delete()
    changes.techniques_changed(therapist)

    assert copies(location)[2] == bits("deep-tissue")
    assert_copies_current()


def test_dashboard_techniques_form_moves_the_bits(client):
    therapist = live_profile()
    location = therapist.locations.get()
    deep = therapist.technique_links.get()
    client.force_login(therapist.user)

    response = client.post(
        TECHNIQUES_URL,
        factories.technique_formset_data(
            [
                {"id": deep.pk, "technique": deep.technique_id, "years": 3},
                {"technique": factories.technique("swedish").pk, "years": 2},
                {"technique": factories.technique("trigger-point").pk, "years": 1},
            ],
            initial=1,
        ),
    )

    assert response.status_code == 302
    assert copies(location) == (
        True,
        None,
        bits("deep-tissue", "swedish", "trigger-point"),
    )
    assert_copies_current()

    links = {link.technique.slug: link for link in therapist.technique_links.all()}
    rows = [
        {"id": link.pk, "technique": link.technique_id, "years": link.years}
        for link in links.values()
    ]
    for row in rows:
        if row["id"] == links["deep-tissue"].pk:
            row["DELETE"] = "on"
    response = client.post(
        TECHNIQUES_URL, factories.technique_formset_data(rows, initial=len(rows))
    )

    assert response.status_code == 302
    assert copies(location) == (True, None, bits("swedish", "trigger-point"))
    assert_copies_current()


# --- the badge --------------------------------------------------------------------


def test_credential_verified_then_expiring_moves_the_badge_copy():
    therapist = factories.make_therapist()
    location = factories.make_location(therapist, "10001")
    credential = factories.make_credential(
        therapist, status=Credential.Status.PENDING, expires_on=days(120)
    )
    assert copies(location)[1] is None

    credential.status = Credential.Status.VERIFIED
    credential.verified_at = timezone.now()
    credential.verification_method = Credential.Method.DOCUMENT_REVIEW
    credential.save()
    badges.credentials_changed([therapist.pk])

    assert copies(location)[1] == days(120)
    assert_copies_current()

    # A board certification counts where the state licenses nobody (Kansas).
    factories.make_location(therapist, "66044")
    location.refresh_from_db()
    factories.make_credential(
        therapist,
        kind=Credential.Kind.BOARD_CERTIFICATION,
        jurisdiction="US",
        expires_on=days(400),
    )

    assert copies(location)[1] == days(400)
    assert_copies_current()

    Credential.objects.filter(therapist=therapist).update(
        status=Credential.Status.EXPIRED
    )
    badges.credentials_changed([therapist.pk])

    assert copies(location)[1] is None
    assert not PracticeLocation.objects.of_verified().exists()
    assert_copies_current()


def test_expire_credentials_job_clears_the_badge_copy():
    therapist = factories.make_therapist()
    location = factories.make_location(therapist, "10001")
    factories.make_credential(therapist, expires_on=days(5))
    assert copies(location)[1] == days(5)

    call_command(
        "expire_credentials", today=days(10), stdout=io.StringIO(), stderr=io.StringIO()
    )

    assert copies(location)[1] is None
    assert_copies_current()


def test_staff_decisions_move_the_badge_copy(client):
    therapist = factories.make_therapist()
    location = factories.make_location(therapist, "10001")
    credential = factories.make_credential(
        therapist, status=Credential.Status.PENDING, expires_on=days(250)
    )
    client.force_login(factories.make_staff_user(permissions=[VERIFY]))
    review_url = reverse("verification:review", args=[credential.pk])

    response = client.post(
        review_url,
        {"decision": "approve", "method": "board_roster", "note": "On the roster."},
    )

    assert response.status_code == 302
    assert copies(location)[1] == days(250)
    assert_copies_current()

    response = client.post(
        review_url, {"decision": "reject", "method": "", "note": "Number revoked."}
    )

    assert response.status_code == 302
    assert copies(location)[1] is None
    assert_copies_current()


def test_copied_badge_lapses_the_day_after_expiry_without_any_job():
    therapist = factories.make_therapist()
    location = factories.make_location(therapist, "10001")
    factories.make_credential(therapist, expires_on=days(3))

    assert list(PracticeLocation.objects.of_verified(on=days(3))) == [location]
    assert list(PracticeLocation.objects.of_verified(on=days(4))) == []


# --- refreshing many at once ------------------------------------------------------


def scramble_copies() -> None:
    PracticeLocation.objects.update(
        listed=True, badge_valid_until=days(-30), technique_bits=-1
    )


def test_bulk_refresh_matches_per_therapist_refreshes_in_one_update(
    django_assert_num_queries,
):
    slugs = ["deep-tissue", "swedish", "trigger-point", "myofascial-release"]
    therapists = []
    for n in range(8):
        therapist = factories.make_therapist(is_published=n % 3 != 0)
        for slug in slugs[: n % 4]:
            factories.add_technique(therapist, slug)
        if n % 2:
            factories.make_credential(therapist, refresh=False, expires_on=days(n))
        factories.make_location(therapist, "10001")
        if n % 4 == 1:
            factories.make_location(therapist, "11201")
        therapists.append(therapist)
    badges.recount(Therapist.objects.all())
    outsider = factories.make_location(factories.make_therapist(), "07102")
    chosen = Therapist.objects.exclude(pk=outsider.therapist_id)

    scramble_copies()
    with django_assert_num_queries(1):
        updated = chosen.copy_to_locations()
    in_bulk = stored_copies()

    scramble_copies()
    for therapist in therapists:
        Therapist.objects.filter(pk=therapist.pk).copy_to_locations()
    one_by_one = stored_copies()

    assert updated == 10
    assert in_bulk == one_by_one
    # The outsider was not asked for: it keeps the scrambled copy.
    assert in_bulk.pop(outsider.pk) == (True, days(-30), -1)
    expected = expected_copies()
    expected.pop(outsider.pk)
    assert in_bulk == expected
    # The data set exercises every copied column both ways.
    assert {listed for listed, _, _ in expected.values()} == {True, False}
    assert None in {badge for _, badge, _ in expected.values()}
    assert days(7) in {badge for _, badge, _ in expected.values()}
    assert len({bits for _, _, bits in expected.values()}) == 4

    Therapist.objects.copy_to_locations()
    assert_copies_current()


# --- technique ids past 61 --------------------------------------------------------


@pytest.fixture
def shared_bit():
    """Technique 70 and technique 8 share a bit: one therapist offers each, one
    offers both."""
    eight = Technique.objects.filter(pk=8).first() or Technique.objects.create(
        pk=8, name="Technique eight", slug="technique-eight", description="Eight."
    )
    seventy = Technique.objects.create(
        pk=70, name="Hot stone massage", slug="hot-stone", description="Warm stones."
    )
    offers = {"only-70": [seventy], "only-8": [eight], "both": [eight, seventy]}
    for slug, techniques in offers.items():
        therapist = factories.make_therapist(slug=slug)
        for technique in techniques:
            TherapistTechnique.objects.create(therapist=therapist, technique=technique)
        changes.techniques_changed(therapist)
        factories.make_location(therapist, "10001")
    return eight, seventy


def test_technique_past_61_shares_the_bit_of_its_remainder(shared_bit):
    eight, seventy = shared_bit

    every_id = list(Technique.objects.values_list("pk", flat=True))
    assert technique_bits_are_exact(seventy.pk, every_id) is False
    assert technique_bits_are_exact(eight.pk, every_id) is False
    stored = dict(
        PracticeLocation.objects.values_list("therapist__slug", "technique_bits")
    )
    assert stored == {"only-70": 256, "only-8": 256, "both": 256}
    assert_copies_current()


def test_search_by_a_technique_past_61_lists_only_its_therapists(client, shared_bit):
    _, seventy = shared_bit

    assert radius_search(client, technique=seventy.slug) == {"only-70", "both"}


def test_search_by_the_technique_sharing_that_bit_lists_only_its_therapists(
    client, shared_bit
):
    eight, _ = shared_bit

    assert radius_search(client, technique=eight.slug) == {"only-8", "both"}


# --- end to end: the search page --------------------------------------------------


@pytest.fixture
def cast():
    """Five therapists around 10001; only "match" is published, verified, offers
    deep tissue and is within 25 miles."""
    match = live_profile(slug="match")
    factories.add_technique(match, "swedish")
    factories.make_credential(match, expires_on=days(365))

    unverified = live_profile(slug="unverified")  # its credential is pending

    other_technique = factories.make_therapist(slug="other-technique")
    factories.add_technique(other_technique, "swedish")
    factories.make_credential(other_technique)
    factories.make_location(other_technique, "10001")

    unpublished = factories.make_therapist(slug="unpublished", is_published=False)
    factories.add_technique(unpublished, "deep-tissue")
    factories.make_credential(unpublished)
    factories.make_location(unpublished, "10001")

    far = factories.make_therapist(slug="far-away")
    factories.add_technique(far, "deep-tissue")
    factories.make_credential(far)
    factories.make_location(far, "90012")

    return {
        therapist.slug: therapist
        for therapist in [match, unverified, other_technique, unpublished, far]
    }


VERIFIED_DEEP_TISSUE = {"technique": "deep-tissue", "verified": "on"}


def test_radius_search_lists_exactly_the_published_verified_matches(client, cast):
    response = client.get(
        SEARCH_URL, {"near": "10001", "radius": 25, **VERIFIED_DEEP_TISSUE}
    )

    assert [t.slug for t in response.context["page_obj"].object_list] == ["match"]
    # The location copies alone decided both filters: nothing checked them again.
    assert response.context["search"].settled == {"verified", "technique"}
    assert radius_search(client, technique="deep-tissue") == {"match", "unverified"}
    assert radius_search(client, verified="on") == {"match", "other-technique"}
    assert_copies_current()


def test_unpublished_match_leaves_the_radius_search(client, cast):
    match = cast["match"]
    client.force_login(match.user)
    client.post(PUBLISH_URL, {"action": "unpublish"})
    client.logout()

    assert radius_search(client, **VERIFIED_DEEP_TISSUE) == set()
    assert_copies_current()

    client.force_login(match.user)
    client.post(PUBLISH_URL, {"action": "publish"})
    client.logout()

    assert radius_search(client, **VERIFIED_DEEP_TISSUE) == {"match"}
    assert_copies_current()


def test_match_that_drops_deep_tissue_leaves_the_radius_search(client, cast):
    match = cast["match"]
    links = {link.technique.slug: link for link in match.technique_links.all()}
    client.force_login(match.user)
    response = client.post(
        TECHNIQUES_URL,
        factories.technique_formset_data(
            [
                {
                    "id": links["deep-tissue"].pk,
                    "technique": links["deep-tissue"].technique_id,
                    "years": 3,
                    "DELETE": "on",
                },
                {
                    "id": links["swedish"].pk,
                    "technique": links["swedish"].technique_id,
                    "years": 3,
                },
            ],
            initial=2,
        ),
    )
    client.logout()

    assert response.status_code == 302
    match.refresh_from_db()
    assert match.is_published  # still live: only the technique went
    assert radius_search(client, **VERIFIED_DEEP_TISSUE) == set()
    assert radius_search(client, technique="swedish", verified="on") == {
        "match",
        "other-technique",
    }
    assert_copies_current()


def test_therapist_who_gains_the_badge_joins_the_radius_search(client, cast):
    credential = cast["unverified"].credentials.get()
    client.force_login(factories.make_staff_user(permissions=[VERIFY]))
    response = client.post(
        reverse("verification:review", args=[credential.pk]),
        {"decision": "approve", "method": "board_roster", "note": "On the roster."},
    )
    client.logout()

    assert response.status_code == 302
    assert radius_search(client, **VERIFIED_DEEP_TISSUE) == {"match", "unverified"}
    assert_copies_current()
