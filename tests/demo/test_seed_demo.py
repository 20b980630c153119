import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from demo.management.commands.seed_demo import DEMO_STAFF_USERNAME
from profiles import versions
from profiles.models import ProfileVersion
from reviews import stats
from reviews.models import Review
from tests import budgets
from therapists import filters
from therapists.geocoding import geocode
from therapists.management.commands.explain_search import COMBINED_SHAPES, SHAPES
from therapists.models import Therapist
from verification.models import Credential

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


def seed(**options):
    options = {"therapists": 60, "reviews_per_therapist": 4, "seed": 7, **options}
    call_command("seed_demo", verbosity=0, **options)


def fingerprint():
    return list(
        Therapist.objects.order_by("slug").values_list(
            "slug", "session_price", "rating_count", "qualification_score"
        )
    )


def empty_database():
    get_user_model().objects.all().delete()  # cascades to therapists and reviews


def test_same_seed_gives_the_same_data():
    seed()
    first = fingerprint()
    empty_database()
    seed()
    assert fingerprint() == first
    empty_database()
    seed(seed=8)
    assert fingerprint() != first


def test_makes_exactly_the_requested_numbers():
    seed(therapists=50, reviews_per_therapist=6)
    assert Therapist.objects.count() == 50
    assert Review.objects.count() == 300


def test_therapists_cluster_around_new_york():
    seed()
    near_nyc = Therapist.objects.published().near(geocode("10001"), 25)
    assert near_nyc.count() >= 5


def test_credentials_mix_statuses_and_the_badge_follows_them():
    seed(therapists=120)
    statuses = set(Credential.objects.values_list("status", flat=True))
    assert {"verified", "pending", "expired"} <= statuses
    verified = set(Therapist.objects.verified().values_list("pk", flat=True))
    by_rule = set(
        Credential.objects.badge_qualifying().values_list("therapist_id", flat=True)
    )
    assert verified == by_rule
    assert 0 < len(verified) < 120


def test_stored_aggregates_equal_a_fresh_recount():
    seed()
    recount = {
        row["therapist"]: row
        for row in Review.objects.counted()
        .values("therapist")
        .annotate(n=Count("pk"), total=Sum("rating"))
    }
    for therapist in Therapist.objects.all():
        row = recount.get(therapist.pk, {"n": 0, "total": 0})
        assert (therapist.rating_count, therapist.rating_sum) == (
            row["n"],
            row["total"],
        )
        summary = stats.summary_of(therapist)
        distribution = sum(item["count"] for item in summary.distribution)
        assert distribution == therapist.rating_count


def test_every_verified_review_has_what_makes_it_one():
    from reviews.models import ReviewInvitation, SessionRecord

    seed()
    verified = list(
        Review.objects.filter(is_verified_client=True).values_list(
            "therapist_id", "author_id"
        )
    )
    invited = set(
        ReviewInvitation.objects.filter(used_by__isnull=False).values_list(
            "therapist_id", "used_by_id"
        )
    )
    sessions = set(
        SessionRecord.objects.confirmed().values_list("therapist_id", "client_id")
    )
    assert verified and invited and sessions
    assert set(verified) == invited | sessions
    for therapist in Therapist.objects.all():
        counted = Review.objects.counted().filter(
            therapist=therapist, is_verified_client=True
        )
        assert therapist.verified_review_count == counted.count()


def test_some_reviews_give_outcomes_and_some_therapists_a_course_of_care(client):
    seed(therapists=20, reviews_per_therapist=10)
    with_pain = Review.objects.filter(pain_before__isnull=False)
    assert 0 < with_pain.count() < Review.objects.count()
    assert with_pain.filter(peg_pain__isnull=False).exists()
    assert not Review.objects.filter(pain_before__isnull=False, pain_after=None)
    assert Therapist.objects.filter(sessions_before_reassessing__isnull=False)
    assert Therapist.objects.filter(sessions_before_reassessing=None)
    shown = [
        therapist
        for therapist in Therapist.objects.published().filter(rating_count__gte=3)
        if stats.outcomes_of(therapist).shown
    ]
    assert shown
    page = client.get(shown[0].get_absolute_url()).content.decode()
    assert "How reviewers’ back pain changed" in page


def test_search_documents_are_built():
    seed()
    assert Therapist.objects.search("massage").exists()


def test_the_profile_versions_are_watched_again_after_a_seed():
    """Seeding pauses the versions' triggers (profiles.versions.paused): they
    are back after it, and a change after it bumps its therapist's version."""
    every = ProfileVersion.objects.get(therapist_id=versions.EVERY_PROFILE).version
    seed()
    assert (
        ProfileVersion.objects.get(therapist_id=versions.EVERY_PROFILE).version
        == every + 1
    )
    therapist = Therapist.objects.published().first()
    Therapist.objects.filter(pk=therapist.pk).update(headline="After the seed")
    assert ProfileVersion.objects.get(therapist_id=therapist.pk).version == 1


def test_refuses_a_database_that_has_therapists_unless_if_empty():
    seed()
    with pytest.raises(CommandError, match="already has therapists"):
        seed()
    seed(if_empty=True)  # does nothing, no error
    assert Therapist.objects.count() == 60


def staff_account():
    return get_user_model().objects.get(username=DEMO_STAFF_USERNAME)


def seed_with_staff(**options) -> str:
    """Seed with --staff; the password the command printed."""
    out = io.StringIO()
    seed(staff=True, stdout=out, **options)
    printed = re.findall(rf"{DEMO_STAFF_USERNAME} / (\S+) ", out.getvalue())
    assert len(printed) == 1, out.getvalue()
    return printed[0]


def test_demo_staff_login_is_made_only_when_asked_for_with_a_random_password(
    settings,
):
    settings.DEBUG = True
    seed()
    assert not get_user_model().objects.filter(username=DEMO_STAFF_USERNAME).exists()
    empty_database()
    password = seed_with_staff()
    user = staff_account()
    assert user.is_staff and user.check_password(password)
    assert not user.check_password("back-care-demo")
    empty_database()
    assert seed_with_staff() != password


def test_a_second_run_does_not_print_or_change_the_staff_password(settings):
    settings.DEBUG = True
    password = seed_with_staff()
    out = io.StringIO()
    seed(staff=True, if_empty=True, stdout=out)
    assert password not in out.getvalue()
    assert "exists" in out.getvalue()
    assert staff_account().check_password(password)


def test_with_debug_off_no_account_with_a_known_password_is_made(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed(staff=True)
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed(staff=True, if_empty=True)
    assert not get_user_model().objects.exists()
    seed()
    assert not any(
        user.has_usable_password() for user in get_user_model().objects.all()
    )


def test_demo_therapists_and_clients_cannot_log_in():
    seed()
    therapist = Therapist.objects.select_related("user").first()
    assert not therapist.user.has_usable_password()


def test_every_search_shape_is_index_backed():
    seed(therapists=150)
    call_command("explain_search", quiet=True)


def test_every_search_shape_is_one_page_in_at_most_five_queries(
    client, django_assert_max_num_queries
):
    """A page of results in five queries; a search that finds nobody may also
    count the suggestions it offers (TherapistFilter.suggestions())."""
    seed(therapists=150)
    suggesting = filters.RADII_TRIED + filters.FILTERS_TRIED
    pages = 0
    for shape in [*SHAPES, *COMBINED_SHAPES]:
        with django_assert_max_num_queries(
            budgets.SEARCH_PAGE + suggesting
        ) as captured:
            response = client.get(f"/therapists/?{shape}")
        assert response.status_code == 200, shape
        assert not response.context["filter"].form.errors, shape
        if response.context["page_obj"].object_list:
            assert len(captured.captured_queries) <= budgets.SEARCH_PAGE, shape
            pages += 1
    assert pages >= len(SHAPES) - 4  # the demo data finds someone for nearly all


# --- the addresses printed for `make run` ----------------------------------------


def test_staff_login_is_printed_with_the_addresses_of_the_site_it_runs_on(settings):
    settings.DEBUG = True
    out = io.StringIO()

    seed(staff=True, address="http://127.0.0.1:8101/", stdout=out)
    seed(staff=True, if_empty=True, address="http://localhost:9000", stdout=out)

    printed = out.getvalue()
    assert "  Admin: http://127.0.0.1:8101/admin/\n" in printed
    assert (
        "  Credentials to verify: http://127.0.0.1:8101/staff/credentials/" in printed
    )
    # Run again on another port, the account exists and the address follows.
    assert "  Admin: http://localhost:9000/admin/\n" in printed
    assert ":8000" not in printed


def test_the_default_address_is_djangos_development_server(settings):
    settings.DEBUG = True
    out = io.StringIO()

    seed(staff=True, stdout=out)

    assert "  Admin: http://127.0.0.1:8000/admin/\n" in out.getvalue()


@pytest.mark.parametrize("address", ["127.0.0.1:8101", "ftp://127.0.0.1", "http://"])
def test_an_address_that_is_not_a_web_address_is_refused_before_seeding(
    settings, address
):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="--address must be the site's web address"):
        seed(staff=True, address=address)

    assert not Therapist.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    ("variables", "address"),
    [
        ([], "http://127.0.0.1:8000"),
        (["PORT=8101"], "http://127.0.0.1:8101"),
        (["HOST=localhost", "PORT=9000"], "http://localhost:9000"),
    ],
)
def test_make_run_passes_its_host_and_port_to_seed_demo(variables, address):
    make = shutil.which("make")
    assert make, "make is needed to run the site"
    result = subprocess.run(
        [make, "--dry-run", "run", *variables],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )

    seeding = next(line for line in result.stdout.splitlines() if "seed_demo" in line)
    assert f"--address {address}" in seeding
    assert f"runserver {address.removeprefix('http://')}" in result.stdout


def test_some_roster_checked_licences_show_their_board_status(client):
    # The demo `make run` seeds: 300 therapists, seed 42.
    seed(therapists=300, reviews_per_therapist=0, seed=42)
    checked = Credential.objects.exclude(board_status="")
    statuses = set(checked.values_list("board_status", flat=True))
    assert statuses == {"active", "lapsed", "disciplined"}
    # Only licences a roster verified carry a board status, dated that day.
    assert not checked.exclude(verification_method="board_roster").exists()
    assert not checked.filter(board_checked_on__isnull=True).exists()
    # A lapse or discipline waits for staff, in the queue, without the badge.
    withheld = checked.exclude(board_status="active")
    assert set(Credential.objects.awaiting_decision()) >= set(withheld)
    assert not Credential.objects.badge_qualifying().filter(pk__in=withheld).exists()
    shown = checked.filter(board_status="active", therapist__is_published=True)
    page = client.get(shown.first().therapist.get_absolute_url()).content.decode()
    assert "Active, no public discipline, per the " in page
