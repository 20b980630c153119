"""The profile's page cache (profiles.page_cache) and the versions that key it
(profiles.versions): a visitor's plain profile is rendered once per version,
and every kind of change to what it shows is on the next look."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management.sql import (
    emit_post_migrate_signal,
    emit_pre_migrate_signal,
)
from django.db import connection
from django.db.models import CheckConstraint, F, ProtectedError, Q
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import slugify

from clinicians.models import Clinician
from core.records import ImmutableRecord
from interviews.models import InterviewMessage
from profiles import page_cache, versions
from profiles.models import ProfileVersion
from reviews.models import HelpfulVote, Review, ReviewResponse
from shortlist.models import ShortlistEntry
from tests import factories
from tests.reviews.concurrency import RACE
from therapists import payment
from therapists.models import (
    AcceptedPlan,
    Condition,
    InsurancePlan,
    OpeningHours,
    PracticeLocation,
    SessionPackage,
    Technique,
    Therapist,
    TherapistLanguage,
    TherapistTechnique,
)
from verification.models import Credential, CredentialEvent

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UNKEPT = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


def page(client, therapist, **extra) -> str:
    response = client.get(therapist.get_absolute_url(), **extra)
    assert response.status_code == 200
    return response.content.decode()


def tokenless(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


def rendered(therapist) -> str:
    """The page as rendered now, with nothing kept."""
    from django.conf import settings

    with override_settings(CACHES={**settings.CACHES, "pages": UNKEPT}):
        return tokenless(page(Client(), therapist))


def queries_of(client, therapist, **extra) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, therapist, **extra)
    return len(captured)


@pytest.fixture
def shown(therapist):
    """A therapist whose profile shows something of every kind."""
    factories.make_location(therapist, "10001")
    # Insurance among the ways to pay, so the plans accepted are shown.
    Therapist.objects.filter(pk=therapist.pk).update(payment_bits=payment.INSURANCE.bit)
    SessionPackage.objects.create(
        therapist=therapist, sessions=3, minutes=60, price=300
    )
    OpeningHours.objects.create(
        therapist=therapist,
        weekday=OpeningHours.Weekday.MONDAY,
        opens=datetime.time(9),
        closes=datetime.time(17),
    )
    factories.add_technique(therapist, "deep-tissue")
    therapist.conditions.add(factories.condition("sciatica"))
    factories.add_language(therapist, "es")
    credential = factories.make_credential(therapist)
    CredentialEvent.objects.create(
        credential=credential, action=CredentialEvent.Action.APPROVED
    )
    review = factories.make_review(therapist, body="Patient, careful work.")
    ReviewResponse.objects.create(review=review, body="Thank you for the kind words.")
    HelpfulVote.objects.create(review=review, user=factories.make_user())
    factories.make_session_record(therapist)
    factories.make_recommendation(therapist=therapist)
    interview = factories.make_interview(therapist)
    InterviewMessage.objects.create(
        request=interview, author_side="client", body="Do you work evenings?"
    )
    therapist.refresh_from_db()
    return therapist


def test_a_visitor_s_second_look_costs_one_query_and_reads_the_same(
    client, shown, django_assert_num_queries
):
    first = page(client, shown)
    with django_assert_num_queries(1):
        second = page(client, shown)
    assert tokenless(second) == tokenless(first) == rendered(shown)
    assert "Patient, careful work." in second


def test_each_visitor_gets_their_own_working_csrf_token(shown):
    page(Client(), shown)  # kept
    one, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = [TOKEN.search(page(each, shown))[1] for each in (one, other)]
    assert tokens[0] != tokens[1]
    assert page_cache.csrf_mark() not in "".join(tokens)
    toggle = f"/therapists/{shown.slug}/shortlist/"
    # Each token goes with its own visitor's cookie, and with no other.
    assert one.post(toggle, {"csrfmiddlewaretoken": tokens[1]}).status_code == 403
    assert one.post(toggle, {"csrfmiddlewaretoken": tokens[0]}).status_code == 302
    # The shortlist is part of the key: each visitor sees their own.
    assert "Remove from shortlist" in page(one, shown)
    assert "Add to shortlist" in page(other, shown)
    assert other.post(toggle, {"csrfmiddlewaretoken": tokens[1]}).status_code == 302


@pytest.mark.parametrize("viewer", ["client", "other therapist", "owner", "staff"])
def test_a_logged_in_viewer_s_page_is_never_kept(client, shown, viewer):
    user = {
        "client": factories.make_user,
        "other therapist": lambda: factories.make_therapist().user,
        "owner": lambda: shown.user,
        "staff": factories.make_staff_user,
    }[viewer]()
    client.force_login(user)
    page(client, shown)
    assert queries_of(client, shown) > 2
    request = RequestFactory().get(shown.get_absolute_url())
    request.user, request.session = user, {}
    assert page_cache.Slot.for_request(request, shown.slug) is None


@pytest.mark.parametrize("query", ["page=1", "near=10001", "&", "sort=newest"])
def test_a_page_asked_for_with_a_query_string_is_never_kept(client, shown, query):
    page(client, shown, QUERY_STRING=query)
    assert queries_of(client, shown, QUERY_STRING=query) > 2


def test_the_printed_profile_is_never_kept(client, shown):
    url = f"{shown.get_absolute_url()}print/"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) > 2


def test_a_profile_unpublished_after_it_was_kept_is_gone(client, shown):
    page(client, shown)
    Therapist.objects.filter(pk=shown.pk).update(is_published=False)
    assert client.get(shown.get_absolute_url()).status_code == 404


def test_each_host_gets_links_to_itself(client, shown, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "other.example"]
    assert "//testserver/" in page(client, shown)
    elsewhere = page(client, shown, HTTP_HOST="other.example")
    assert "//other.example/" in elsewhere and "//testserver/" not in elsewhere


def test_a_new_day_renders_afresh(client, shown, monkeypatch):
    page(client, shown)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(
        page_cache, "timezone", SimpleNamespace(localdate=lambda: tomorrow)
    )
    assert queries_of(client, shown) > 2


def test_a_cache_that_fails_is_read_past(client, shown, monkeypatch):
    """(How long it is left alone: tests/core/test_kept.py.)"""
    monkeypatch.setattr(page_cache.KEPT, "paused_until", 0.0)
    expected = rendered(shown)

    def broken(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(caches["pages"], "get", broken)
    monkeypatch.setattr(caches["pages"], "set", broken)
    assert tokenless(page(client, shown)) == expected
    assert page_cache.KEPT.paused_until > 0


def test_a_new_secret_key_misses_what_the_old_one_kept(shown, settings):
    page(Client(), shown)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    visitor = Client(enforce_csrf_checks=True)
    with CaptureQueriesContext(connection) as captured:
        html = page(visitor, shown)
    assert len(captured) > 2
    token = TOKEN.search(html)[1]
    toggle = f"/therapists/{shown.slug}/shortlist/"
    assert visitor.post(toggle, {"csrfmiddlewaretoken": token}).status_code == 302


def _plan(therapist, name="Harbor Health PPO"):
    plan = InsurancePlan.objects.create(name=name, slug=slugify(name))
    AcceptedPlan.objects.create(
        therapist=therapist, plan=plan, confirmed_on=timezone.localdate()
    )


def _helpful(therapist):
    review = Review.objects.get(therapist=therapist)
    HelpfulVote.objects.create(review=review, user=factories.make_user())
    Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)


# Each kind of data the profile shows, changed as any writer might: through
# update() and create(), with no signal and no recount, so only the database's
# triggers can tell the page cache.
CHANGES = {
    "the therapist's own row": lambda t: Therapist.objects.filter(pk=t.pk).update(
        headline="Gentle work for sciatica"
    ),
    "a location": lambda t: PracticeLocation.objects.filter(therapist=t).update(
        city="Hoboken"
    ),
    "opening hours": lambda t: OpeningHours.objects.create(
        therapist=t,
        weekday=OpeningHours.Weekday.FRIDAY,
        opens=datetime.time(8),
        closes=datetime.time(12),
    ),
    "a package": lambda t: SessionPackage.objects.create(
        therapist=t, sessions=5, minutes=60, price=500
    ),
    "an accepted plan": _plan,
    "a technique offered": lambda t: TherapistTechnique.objects.create(
        therapist=t, technique=factories.technique("trigger-point"), years=4
    ),
    "a condition treated": lambda t: t.conditions.add(
        factories.condition("herniated-disc")
    ),
    "a language": lambda t: TherapistLanguage.objects.create(therapist=t, code="fr"),
    "a credential": lambda t: Credential.objects.filter(therapist=t).update(
        number="MT-424242"
    ),
    "a review": lambda t: Review.objects.filter(therapist=t).update(
        body="Rewritten: even better."
    ),
    "a response": lambda t: ReviewResponse.objects.filter(review__therapist=t).update(
        body="Updated thanks."
    ),
    "a helpful vote": _helpful,
    "a recommendation": lambda t: factories.make_recommendation(
        factories.make_clinician(display_name="Dr. Ana Ruiz"), t
    ),
    # What every profile may show.
    "a technique's name": lambda t: Technique.objects.filter(slug="deep-tissue").update(
        name="Deep tissue (slow, firm)"
    ),
    "a condition's name": lambda t: Condition.objects.filter(slug="sciatica").update(
        name="Sciatica (leg pain)"
    ),
    "an insurance plan's name": lambda t: InsurancePlan.objects.filter(
        acceptances__therapist=t
    ).update(name="Harbor Health Gold"),
    "a clinician": lambda t: Clinician.objects.update(display_name="Dr. Lee Park"),
    "a clinician's licence": lambda t: Credential.objects.filter(
        clinician__isnull=False
    ).update(jurisdiction="NM"),
    "a reviewer's name": lambda t: (
        get_user_model()
        .objects.filter(pk=Review.objects.get(therapist=t).author_id)
        .update(first_name="Robin")
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_kind_of_change_is_on_the_next_look(client, shown, change):
    if change == "an insurance plan's name":
        _plan(shown)
    else:
        _plan(shown, "Already Accepted Care")
    before = tokenless(page(client, shown))
    assert tokenless(page(client, shown)) == before  # kept
    CHANGES[change](shown)
    after = tokenless(page(client, shown))
    assert after != before
    assert after == rendered(shown)


def test_a_reviewer_logging_in_changes_no_profile(shown):
    before = _version(versions.EVERY_PROFILE)
    author = Review.objects.get(therapist=shown).author
    get_user_model().objects.filter(pk=author.pk).update(last_login=timezone.now())
    author.save()  # every column written, the names unchanged
    assert _version(versions.EVERY_PROFILE) == before
    get_user_model().objects.filter(pk=author.pk).update(last_name="Quinn")
    assert _version(versions.EVERY_PROFILE) == before + 1


def _version(therapist_id: int) -> int:
    row = ProfileVersion.objects.filter(therapist_id=therapist_id).first()
    return row.version if row else 0


@pytest.mark.parametrize("watch", versions.WATCHED, ids=lambda w: w.model)
def test_every_watched_table_bumps_on_insert_update_and_delete(shown, watch):
    """Whatever the row, whatever the statement: the right version moves."""
    model = apps.get_model(watch.model)
    if watch.path is None:
        owner = versions.EVERY_PROFILE
        rows = model.objects.all()
    else:
        owner = shown.pk
        rows = model.objects.filter(**{watch.path or "pk": shown.pk})
    if watch.model == "therapists.AcceptedPlan":
        _plan(shown)
    row = rows.first()
    assert row is not None, f"the fixture shows no {watch.model}"
    # Any column but the key, written as it is: a change in SQL's eyes.
    field = (
        watch.changed[0]
        if watch.changed
        else next(f.name for f in model._meta.concrete_fields if not f.primary_key)
    )
    before = _version(owner)
    try:
        if watch.changed:
            model.objects.filter(pk=row.pk).update(**{field: "Changed"})
        else:
            model.objects.filter(pk=row.pk).update(**{field: F(field)})
    except ImmutableRecord:
        # A record only ever added to (core.records): adding is the change.
        row.pk = None
        row.save()
        assert _version(owner) > before
        return
    assert _version(owner) > before
    if not watch.updates_only:
        updated = _version(owner)
        try:
            model.objects.filter(pk=row.pk).delete()
        except ProtectedError:
            return  # a row others stand on: not deleted, nothing to see
        assert _version(owner) > updated


# Tables the page reads that are not what it shows: the visitor's session and
# saved shortlist (part of the key, or never kept for a logged-in viewer), and
# the versions themselves.
NOT_SHOWN = {
    "django_session",
    "profiles_profileversion",
    ShortlistEntry._meta.db_table,
}


@pytest.mark.parametrize("query", ["", "page=1"])
def test_every_table_the_profile_reads_is_watched(client, shown, page_cache_off, query):
    """A table added to the page without a trigger would leave kept pages
    stale: the page's own queries say which tables it reads."""
    with CaptureQueriesContext(connection) as captured:
        page(client, shown, QUERY_STRING=query)
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    tables = {
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if re.search(rf'\b"?{re.escape(m._meta.db_table)}"?\b', sql)
    }
    watched = {watch.table for watch in versions.WATCHED}
    assert tables - NOT_SHOWN <= watched, tables - NOT_SHOWN - watched


def test_the_triggers_are_rewritten_as_often_as_asked(shown):
    versions.install()
    versions.install()
    before = _version(shown.pk)
    Therapist.objects.filter(pk=shown.pk).update(headline="Once more")
    # One trigger per table and event: a second install adds none.
    assert _version(shown.pk) == before + 1


def test_a_row_moved_to_another_therapist_bumps_both(shown):
    other = factories.make_therapist()
    before = _version(shown.pk), _version(other.pk)
    PracticeLocation.objects.filter(therapist=shown).update(therapist=other)
    assert (_version(shown.pk), _version(other.pk)) == (before[0] + 1, before[1] + 1)


def test_a_clinician_s_licence_bumps_every_profile(shown):
    before = _version(versions.EVERY_PROFILE), _version(shown.pk)
    licence = Credential.objects.filter(clinician__isnull=False).first()
    Credential.objects.filter(pk=licence.pk).update(number="DR-777777")
    CredentialEvent.objects.create(
        credential=licence, action=CredentialEvent.Action.EDITED
    )
    assert _version(versions.EVERY_PROFILE) == before[0] + 2
    assert _version(shown.pk) == before[1]


def _written() -> int:
    with connection.cursor() as cursor:
        sql = versions.WRITTEN[connection.vendor]
        prefix = versions.PREFIX
        cursor.execute(sql, [len(prefix), prefix] * (sql.count("%s") // 2))
        return len(cursor.fetchall())


def test_uninstalled_they_are_all_gone_and_a_watch_dropped_is_dropped(
    shown, monkeypatch
):
    versions.uninstall()
    assert _written() == 0
    before = _version(shown.pk)
    Therapist.objects.filter(pk=shown.pk).update(headline="Unwatched")
    assert _version(shown.pk) == before
    monkeypatch.setattr(versions, "WATCHED", versions.WATCHED[1:])
    versions.install()
    Therapist.objects.filter(pk=shown.pk).update(headline="Still unwatched")
    assert _version(shown.pk) == before
    monkeypatch.undo()
    versions.install()
    Therapist.objects.filter(pk=shown.pk).update(headline="Watched again")
    assert _version(shown.pk) == before + 1


def test_paused_writes_bump_nothing_then_every_kept_page_is_stale(client, shown):
    page(client, shown)
    watched = _written()
    every = _version(versions.EVERY_PROFILE)
    with versions.paused():
        assert _written() == 0
        before = _version(shown.pk)
        Therapist.objects.filter(pk=shown.pk).update(headline="Loaded in bulk")
        assert _version(shown.pk) == before
    assert _written() == watched
    assert _version(versions.EVERY_PROFILE) == every + 1
    # The change made while paused is on the next look all the same.
    assert "Loaded in bulk" in page(client, shown)


def test_a_load_that_fails_leaves_the_triggers_in_place(shown):
    watched = _written()
    with pytest.raises(RuntimeError), versions.paused():
        raise RuntimeError("the load failed")
    assert _written() == watched
    before = _version(shown.pk)
    Therapist.objects.filter(pk=shown.pk).update(headline="Watched")
    assert _version(shown.pk) == before + 1


@RACE  # transactional: a schema change; naming every app lets the flush cascade
def test_a_migration_that_rebuilds_a_watched_table_runs_and_is_watched_after():
    """SQLite rebuilds a table to add a constraint; a trigger naming that table
    would stop it: pre_migrate drops them all, post_migrate writes them back."""
    therapist = factories.make_therapist()
    review = factories.make_review(therapist)
    check = CheckConstraint(condition=Q(rating__gte=0), name="test_rebuild_check")
    emit_pre_migrate_signal(verbosity=0, interactive=False, db="default")
    with connection.schema_editor() as editor:
        editor.add_constraint(Review, check)
        editor.remove_constraint(Review, check)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    before = _version(therapist.pk)
    ReviewResponse.objects.create(review=review, body="Thanks.")
    assert _version(therapist.pk) == before + 1
