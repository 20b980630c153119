"""Every stored derived value equals a recount from scratch, whatever happened.

A random sequence of the changes people make through the site (reviews written,
replaced, moderated and deleted; credentials submitted, edited, decided, deleted,
expired and checked against a board roster; locations and techniques edited
(the badge follows the practice states); profiles published and
unpublished; accounts deleted; sessions recorded by client and therapist;
clinicians recommending, withdrawing and editing their licence) goes
through the same views and commands as on the site. Afterwards every derived
column is recomputed from the source rows and compared with what is stored: the
review totals (those from verified clients too), the badge and the count of
clinicians' recommendations on each therapist, each clinician's verified date,
the score, the copies on each location (the score's too), each
review's helpful count and verified-client mark, and the full-text search row.
And every published profile a visitor is served from the page cache is the page
rendered afresh. Runs on SQLite and on PostgreSQL (make test-postgres).
"""

import datetime
import io
import itertools
import re
import tempfile
from pathlib import Path

import hypothesis.strategies as st
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from clinicians.models import Clinician
from recommendations.models import Recommendation
from reviews.models import HelpfulVote, Review, ReviewInvitation, SessionRecord
from tests import factories
from therapists import payment, ranking
from therapists.indexing import SEARCH_INDEXES, search_document, technique_bit
from therapists.models import InsurancePlan, PracticeLocation, Technique, Therapist
from verification.models import Credential

User = get_user_model()
PASSWORD = "correct-horse-battery"
# New York (twice), New Jersey, California and Kansas: the badge follows the
# practice states (a New York licence; a board certification in CA or KS).
ZIPS = ["10001", "11211", "07081", "90012", "66044"]
TECHNIQUES = ["deep-tissue", "myofascial-release", "trigger-point", "swedish"]
THERAPISTS = 3
CLIENTS = 3
CLINICIANS = 2

small = st.integers(min_value=0, max_value=20)
stars = st.integers(min_value=1, max_value=5)
operations = st.one_of(
    st.tuples(st.just("write_review"), small, small, stars),
    st.tuples(st.just("moderate"), small, st.booleans()),
    st.tuples(st.just("delete_review"), small),
    st.tuples(st.just("vote"), small, small),
    st.tuples(st.just("record_session"), small, small, st.booleans()),
    st.tuples(
        st.just("submit_credential"),
        small,
        st.sampled_from(["licence", "certification", "technique"]),
        st.booleans(),
    ),
    st.tuples(
        st.just("roster_check"),
        small,
        st.sampled_from(["Active", "Expired", "Probation"]),
    ),
    st.tuples(st.just("edit_credential"), small),
    st.tuples(st.just("decide_credential"), small, st.booleans()),
    st.tuples(st.just("delete_credential"), small),
    st.tuples(st.just("expire_credentials"), st.integers(0, 800)),
    st.tuples(st.just("add_location"), small, st.sampled_from(ZIPS)),
    st.tuples(st.just("move_location"), small, st.sampled_from(ZIPS)),
    st.tuples(st.just("delete_location"), small),
    st.tuples(st.just("edit_techniques"), small, st.sets(st.sampled_from(TECHNIQUES))),
    st.tuples(st.just("edit_profile"), small, st.integers(0, 9)),
    st.tuples(st.just("confirm_details"), small),
    st.tuples(
        st.just("edit_payment"),
        small,
        st.sets(st.sampled_from(["aetna", "cigna", "tricare"]), max_size=2),
    ),
    st.tuples(st.just("remind_stale_details")),
    st.tuples(st.just("publish"), small, st.booleans()),
    st.tuples(st.just("delete_account"), small),
    st.tuples(st.just("recommend"), small, small),
    st.tuples(st.just("withdraw_recommendation"), small),
    st.tuples(st.just("edit_licence"), small),
)


def pick(items, index):
    items = list(items)
    return items[index % len(items)] if items else None


class World:
    """Therapists, clients and staff, and what each may do through the site."""

    def __init__(self):
        self.numbers = itertools.count(1)
        self.staff = factories.make_staff_user(
            permissions=[
                "verification.verify_credential",
                "reviews.moderate_review",
                "reviews.delete_review",
                "reviews.view_review",
            ]
        )
        self.therapist_users = []
        for _ in range(THERAPISTS):
            therapist = factories.make_therapist()
            factories.add_photo(therapist)
            factories.add_technique(therapist, "deep-tissue")
            factories.make_location(therapist, "10001")
            factories.make_credential(therapist)
            self.therapist_users.append(therapist.user)
        self.clients = [factories.make_user() for _ in range(CLIENTS)]
        # Clinicians with verified licences, one lapsing within the expiry
        # job's reach.
        self.clinician_users = []
        for n in range(CLINICIANS):
            clinician = factories.make_clinician(verified=False)
            lasts = datetime.timedelta(days=30 + 400 * n)
            factories.make_licence(clinician, expires_on=timezone.localdate() + lasts)
            self.clinician_users.append(clinician.user)

    def client_for(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def therapists(self):
        return Therapist.objects.order_by("pk")

    def owner(self, index):
        """A therapist account that still exists."""
        users = [u for u in self.therapist_users if Therapist.objects.of_user(u)]
        return pick(users, index)

    def client_user(self, index):
        """A client account that still exists."""
        alive = User.objects.filter(pk__in=[u.pk for u in self.clients])
        return pick(alive.order_by("pk"), index)

    def apply(self, operation):
        name, *args = operation
        getattr(self, name)(*args)

    # --- reviews ---------------------------------------------------------------
    def write_review(self, who, whom, rating):
        author = self.client_user(who)
        therapist = pick(self.therapists().filter(is_published=True), whom)
        if author is None or therapist is None:
            return
        self.client_for(author).post(
            reverse("reviews:write", args=[therapist.slug]),
            factories.make_review_form_data(
                rating=rating,
                would_recommend="on" if rating >= 3 else None,
                # Long enough for the form (40 characters), or nothing is written.
                body=f"Visit {next(self.numbers)}: careful, patient work on my back.",
            ),
        )

    def moderate(self, which, publish):
        review = pick(Review.objects.filter(is_current=True).order_by("pk"), which)
        if review is None:
            return
        self.client_for(self.staff).post(
            reverse("reviews:moderation"),
            {
                "review": review.pk,
                f"r{review.pk}-action": "publish" if publish else "remove",
                f"r{review.pk}-reason": "Checked by staff.",
            },
        )

    def delete_review(self, which):
        review = pick(Review.objects.order_by("pk"), which)
        if review is None:
            return
        self.client_for(self.staff).post(
            reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"}
        )

    def vote(self, who, which):
        voter = self.client_user(who)
        review = pick(Review.objects.counted().order_by("pk"), which)
        if voter is None or review is None or review.author_id == voter.pk:
            return
        self.client_for(voter).post(reverse("reviews:helpful", args=[review.pk]))

    def record_session(self, who, whom, therapist_first):
        """A session both sides record (the therapist having accepted the
        client's request): it marks the client's current review verified."""
        client = self.client_user(who)
        therapist = pick(self.therapists(), whom)
        if client is None or therapist is None:
            return
        factories.make_interview(therapist=therapist, client=client, status="accepted")
        day = str(timezone.localdate() - datetime.timedelta(days=next(self.numbers)))
        sides = [
            (client, reverse("reviews:client-sessions", args=[therapist.slug])),
            (therapist.user, reverse("reviews:sessions")),
        ]
        for user, url in sides[::-1] if therapist_first else sides:
            self.client_for(user).post(url, {"session_date": day, "client": client.pk})

    # --- credentials -------------------------------------------------------------
    def submit_credential(self, whom, what, expires_soon):
        owner = self.owner(whom)
        if owner is None:
            return
        kind, issuer, jurisdiction = {
            "licence": (
                Credential.Kind.STATE_LICENCE,
                "New York State Education Department",
                "NY",
            ),
            "certification": (Credential.Kind.BOARD_CERTIFICATION, "NCBTMB", "US"),
            "technique": (Credential.Kind.TECHNIQUE_CERTIFICATE, "A school", "NY"),
        }[what]
        days = 30 if expires_soon else 700
        self.client_for(owner).post(
            reverse("dashboard:credential-add"),
            {
                "kind": kind,
                "issuer": issuer,
                "number": f"MT-{next(self.numbers):06d}",
                "jurisdiction": jurisdiction,
                "issued_on": "2020-01-15",
                "expires_on": str(timezone.localdate() + datetime.timedelta(days)),
                "evidence": SimpleUploadedFile(
                    "licence.pdf",
                    factories.make_pdf_bytes(),
                    content_type="application/pdf",
                ),
            },
        )

    def edit_credential(self, which):
        credential = pick(Credential.objects.of_therapists().order_by("pk"), which)
        if credential is None:
            return
        self.client_for(credential.therapist.user).post(
            reverse("dashboard:credential-edit", args=[credential.pk]),
            {
                "kind": credential.kind,
                "issuer": credential.issuer,
                "number": f"{credential.number}-R",
                "jurisdiction": credential.jurisdiction,
                "issued_on": "",
                "expires_on": str(credential.expires_on or ""),
            },
        )

    def decide_credential(self, which, approve):
        credential = pick(Credential.objects.order_by("pk"), which)
        if credential is None:
            return
        self.client_for(self.staff).post(
            reverse("verification:review", args=[credential.pk]),
            {
                "decision": "approve" if approve else "reject",
                "method": Credential.Method.DOCUMENT_REVIEW,
                "note": "Checked against the evidence.",
            },
        )

    def delete_credential(self, which):
        credential = pick(Credential.objects.of_therapists().order_by("pk"), which)
        if credential is None:
            return
        self.client_for(credential.therapist.user).post(
            reverse("dashboard:credential-delete", args=[credential.pk])
        )

    def roster_check(self, which, status):
        """The New York board's roster shows one licence active, expired or
        on probation (import_roster): a lapse or discipline withholds the
        badge until staff decide (decide_credential)."""
        credential = pick(
            Credential.objects.of_therapists()
            .filter(kind=Credential.Kind.STATE_LICENCE, jurisdiction="NY")
            .order_by("pk"),
            which,
        )
        if credential is None:
            return
        user = credential.therapist.user
        expires = credential.expires_on or timezone.localdate()
        discipline = "Probation" if status == "Probation" else ""
        row = (
            f"{credential.number},{user.first_name},{user.last_name},"
            f"{'Active' if discipline else status},{expires.isoformat()},{discipline}"
        )
        output = io.StringIO()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "roster.csv"
            path.write_text(
                f"number,first_name,last_name,status,expires,discipline\n{row}\n",
                encoding="utf-8",
            )
            call_command(
                "import_roster",
                str(path),
                issuer="New York State Education Department",
                jurisdiction="NY",
                format="generic",
                stdout=output,
                stderr=output,
            )

    def expire_credentials(self, days_ahead):
        today = timezone.localdate() + datetime.timedelta(days=days_ahead)
        call_command("expire_credentials", today=today, stdout=None)

    # --- the therapist's own rows ----------------------------------------------
    def add_location(self, whom, zip_code):
        owner = self.owner(whom)
        if owner is not None:
            self.client_for(owner).post(
                reverse("dashboard:location-add"),
                {"street_address": "1 Main Street", "postal_code": zip_code},
            )

    def move_location(self, which, zip_code):
        location = pick(PracticeLocation.objects.order_by("pk"), which)
        if location is not None:
            self.client_for(location.therapist.user).post(
                reverse("dashboard:location-edit", args=[location.pk]),
                {"street_address": "2 Other Street", "postal_code": zip_code},
            )

    def delete_location(self, which):
        location = pick(PracticeLocation.objects.order_by("pk"), which)
        if location is not None:
            self.client_for(location.therapist.user).post(
                reverse("dashboard:location-delete", args=[location.pk])
            )

    def edit_techniques(self, whom, slugs):
        owner = self.owner(whom)
        if owner is None:
            return
        therapist = Therapist.objects.of_user(owner).get()
        existing = list(therapist.technique_links.all())
        rows = [
            {"id": link.pk, "technique": link.technique_id, "years": 1, "DELETE": "on"}
            for link in existing
        ]
        rows += [
            {"technique": Technique.objects.get(slug=slug).pk, "years": 2}
            for slug in sorted(slugs)
        ]
        self.client_for(owner).post(
            reverse("dashboard:techniques"),
            factories.technique_formset_data(rows, initial=len(existing)),
        )

    def edit_profile(self, whom, years):
        owner = self.owner(whom)
        if owner is None:
            return
        therapist = Therapist.objects.of_user(owner).get()
        self.client_for(owner).post(
            reverse("dashboard:profile"),
            {
                "display_name": f"Renamed {next(self.numbers)}",
                "headline": "Gentle work for sciatica",
                "bio": "Myofascial release and stretching.",
                "years_in_practice": 10,
                "back_pain_years": years,
                "back_pain_caseload_percent": 50,
                "session_price": therapist.session_price or 100,
                "languages": ["en"],
                "accepting_new_clients": "on",
            },
        )

    def confirm_details(self, whom):
        owner = self.owner(whom)
        if owner is not None:
            self.client_for(owner).post(reverse("dashboard:confirm-details"))

    def edit_payment(self, whom, plan_slugs):
        owner = self.owner(whom)
        if owner is not None:
            plans = InsurancePlan.objects.filter(slug__in=plan_slugs)
            self.client_for(owner).post(
                reverse("dashboard:payment"),
                {"ways": ["superbill"], "plans": [plan.pk for plan in plans]},
            )

    def remind_stale_details(self):
        call_command("remind_stale_details", stdout=io.StringIO())

    def publish(self, whom, on):
        owner = self.owner(whom)
        if owner is not None:
            self.client_for(owner).post(
                reverse("dashboard:publish"),
                {"action": "publish" if on else "unpublish"},
            )

    def delete_account(self, who):
        people = [
            u.pk for u in [*self.clients, *self.therapist_users, *self.clinician_users]
        ]
        user = pick(User.objects.filter(pk__in=people).order_by("pk"), who)
        if user is None:
            return
        self.client_for(user).post(
            reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"}
        )

    # --- clinicians and their recommendations ----------------------------------
    def recommend(self, who, whom):
        clinician = pick(Clinician.objects.order_by("pk"), who)
        therapist = pick(self.therapists().filter(is_published=True), whom)
        if clinician is None or therapist is None:
            return
        self.client_for(clinician.user).post(
            reverse("recommendations:recommend", args=[therapist.slug]),
            {"statement": f"I refer patients to them ({next(self.numbers)})."},
        )

    def withdraw_recommendation(self, which):
        recommendation = pick(Recommendation.objects.current().order_by("pk"), which)
        if recommendation is not None:
            self.client_for(recommendation.clinician.user).post(
                reverse("recommendations:withdraw", args=[recommendation.pk])
            )

    def edit_licence(self, which):
        """A clinician changes their licence's number: back to staff."""
        licence = pick(Credential.objects.of_clinicians().order_by("pk"), which)
        if licence is None:
            return
        self.client_for(licence.clinician.user).post(
            reverse("recommendations:licence-edit", args=[licence.pk]),
            {
                "issuer": licence.issuer,
                "number": f"{licence.number}-R",
                "jurisdiction": licence.jurisdiction,
                "issued_on": "",
                "expires_on": str(licence.expires_on),
                "evidence": SimpleUploadedFile(
                    "licence.pdf",
                    factories.make_pdf_bytes(),
                    content_type="application/pdf",
                ),
            },
        )


def recommendation_count(therapist: Therapist) -> dict:
    today = timezone.localdate()
    return {
        "clinician_recommendation_count": sum(
            r.clinician.verified_until is not None
            and r.clinician.verified_until >= today
            for r in Recommendation.objects.current().filter(therapist=therapist)
        )
    }


def clinician_verified_until(clinician: Clinician):
    today = timezone.localdate()
    return max(
        (
            c.expires_on
            for c in Credential.objects.filter(clinician=clinician)
            if c.status == Credential.Status.VERIFIED
            and c.kind == Credential.Kind.STATE_LICENCE
            and c.expires_on >= today
        ),
        default=None,
    )


def review_totals(therapist: Therapist) -> dict:
    counted = list(Review.objects.counted().filter(therapist=therapist))
    ratings = [review.rating for review in counted]
    return {
        "rating_count": len(ratings),
        "rating_sum": sum(ratings),
        "rating_average": sum(ratings) / len(ratings) if ratings else 0.0,
        **{f"rating_{n}_count": ratings.count(n) for n in range(1, 6)},
        "recommend_count": sum(review.would_recommend for review in counted),
        **{
            f"{aspect}_sum": sum(getattr(review, aspect) for review in counted)
            for aspect in ("pain_relief", "communication", "technique")
            + ("professionalism",)
        },
        **verified_totals(counted),
    }


def verified_totals(counted: list[Review]) -> dict:
    """The totals of the counted reviews from verified clients, each of whose
    marks an invitation or a session both sides recorded must back."""
    verified = [review.rating for review in counted if review.is_verified_client]
    return {
        "verified_review_count": len(verified),
        "verified_rating_sum": sum(verified),
        "verified_rating_average": sum(verified) / len(verified) if verified else 0.0,
    }


def verified_by_rule(review: Review) -> bool:
    """A current review is from a verified client when its author used the
    therapist's invitation or both recorded a session (reviews.sessions)."""
    pair = {"therapist_id": review.therapist_id}
    return (
        ReviewInvitation.objects.filter(**pair, used_by_id=review.author_id).exists()
        or SessionRecord.objects.confirmed()
        .filter(**pair, client_id=review.author_id)
        .exists()
    )


def badge_columns(therapist: Therapist) -> dict:
    today = timezone.localdate()
    current = [
        c
        for c in Credential.objects.filter(therapist=therapist)
        if c.status == Credential.Status.VERIFIED
        and (c.expires_on is None or c.expires_on >= today)
    ]
    badge_kinds = {Credential.Kind.STATE_LICENCE, Credential.Kind.BOARD_CERTIFICATION}
    # The badge rule from scratch: a licence from a state where they practise
    # that licenses massage therapists (Vermont registers them), or a national
    # board certification where they practise in one that does not; neither
    # lapsed nor disciplined on a board roster unless staff kept the badge.
    practising = set(therapist.locations.values_list("state", flat=True))
    licensing_nobody = {"CA", "KS", "MN", "WY"}

    def in_good_standing(c: Credential) -> bool:
        return c.board_status not in ("lapsed", "disciplined") or (
            c.board_review == "kept"
        )

    def earns_badge(c: Credential) -> bool:
        if not in_good_standing(c):
            return False
        if c.kind == Credential.Kind.STATE_LICENCE:
            return c.jurisdiction in practising - licensing_nobody
        return (
            c.kind == Credential.Kind.BOARD_CERTIFICATION
            and c.jurisdiction == "US"
            and bool(practising & licensing_nobody)
        )

    return {
        "badge_valid_until": max(
            (c.expires_on for c in current if earns_badge(c)), default=None
        ),
        "verified_licence_count": sum(
            c.kind == Credential.Kind.STATE_LICENCE
            and in_good_standing(c)
            and c.jurisdiction in practising - licensing_nobody
            for c in current
        ),
        "verified_certification_count": sum(
            c.kind == Credential.Kind.BOARD_CERTIFICATION and in_good_standing(c)
            for c in current
        ),
        "other_verified_credential_count": sum(
            c.kind not in badge_kinds for c in current
        ),
    }


def stored_search_documents() -> dict[int, str]:
    index = SEARCH_INDEXES.get(connection.vendor)
    key = "rowid" if connection.vendor == "sqlite" else "therapist_id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, document FROM therapists_search")  # noqa: S608
        return dict(cursor.fetchall()) if index else {}


def differences() -> list[str]:
    """Every derived value that is not what a recount from scratch gives."""
    found = []
    for therapist in Therapist.objects.order_by("pk"):
        expected = {
            **review_totals(therapist),
            **badge_columns(therapist),
            **recommendation_count(therapist),
        }
        for name, value in expected.items():
            if getattr(therapist, name) != value:
                found.append(
                    f"{therapist}: {name} {getattr(therapist, name)} != {value}"
                )
        for name, value in expected.items():
            setattr(therapist, name, value)
        # The insurance item: at least one accepted plan (plans_changed()).
        insured = therapist.accepted_plans.exists()
        if bool(therapist.payment_bits & payment.INSURANCE.bit) != insured:
            found.append(f"{therapist}: insurance bit != {insured}")
        score = ranking.score_of(therapist)
        if therapist.qualification_score != score:
            found.append(
                f"{therapist}: score {therapist.qualification_score} != {score}"
            )
        bits = 0
        for technique_id in therapist.technique_links.values_list(
            "technique_id", flat=True
        ):
            bits |= technique_bit(technique_id)
        for location in therapist.locations.all():
            copies = (
                location.listed,
                location.badge_valid_until,
                location.technique_bits,
                location.qualification_score,
            )
            wanted = (
                therapist.is_published,
                therapist.badge_valid_until,
                bits,
                therapist.qualification_score,
            )
            if copies != wanted:
                found.append(f"{location}: copies {copies} != {wanted}")
    for review in Review.objects.all():
        votes = HelpfulVote.objects.filter(review=review).count()
        if review.helpful_count != votes:
            found.append(
                f"review {review.pk}: helpful {review.helpful_count} != {votes}"
            )
        if review.is_current and review.is_verified_client != verified_by_rule(review):
            found.append(f"review {review.pk}: verified {review.is_verified_client}")
    for clinician in Clinician.objects.order_by("pk"):
        if clinician.verified_until != clinician_verified_until(clinician):
            found.append(
                f"{clinician}: verified_until {clinician.verified_until} != "
                f"{clinician_verified_until(clinician)}"
            )
    if connection.vendor in SEARCH_INDEXES:
        stored = stored_search_documents()
        therapists = Therapist.objects.prefetch_related(
            "techniques", "conditions", "locations"
        )
        wanted = {t.pk: search_document(t) for t in therapists}
        if stored != wanted:
            found.append(f"search rows {stored} != {wanted}")
    return found


def stale_profiles() -> list[str]:
    """Every published profile a visitor is served from the page cache
    (profiles.page_cache) that is not the page rendered now."""
    found = []
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    unkept = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    for therapist in Therapist.objects.published().order_by("pk"):
        url = therapist.get_absolute_url()
        served = token.sub("", Client().get(url).content.decode())
        with override_settings(CACHES={**django_settings.CACHES, "pages": unkept}):
            rendered = token.sub("", Client().get(url).content.decode())
        if served != rendered:
            found.append(f"{therapist}: the kept profile is stale")
    return found


# Search pages whose cards differ in what they mark and measure from.
SEARCHES = (
    "/therapists/",
    "/therapists/?near=10001&technique=deep-tissue&sort=distance",
    "/therapists/?near=10002&radius=50&hours=evenings&length=90",
)


def stale_cards() -> list[str]:
    """Every search page (SEARCHES) whose cards, served from the card cache
    (therapists.cards), are not the cards rendered now."""
    found = []
    unkept = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    cards = re.compile(r'<ol class="result-list">.*?</ol>', re.S)
    for url in SEARCHES:
        served = cards.search(Client().get(url).content.decode()).group()
        with override_settings(CACHES={**django_settings.CACHES, "cards": unkept}):
            rendered = cards.search(Client().get(url).content.decode()).group()
        if served != rendered:
            found.append(f"{url}: the kept cards are stale")
    return found


class DerivedDataTest(TestCase):
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(operations, min_size=1, max_size=10))
    def test_every_derived_value_equals_a_recount_after_any_changes(self, steps):
        # Each example starts from the same database, so from the same
        # versions: what the last one kept must not be served to this one.
        caches["pages"].clear()
        caches["cards"].clear()
        world = World()
        assert differences() == []
        kept = stale_profiles() + stale_cards()
        for step in steps:
            world.apply(step)
            assert differences() == [], f"after {step}"
            assert stale_profiles() == [], f"after {step}"
            assert stale_cards() == [], f"after {step}"
        assert kept == []
