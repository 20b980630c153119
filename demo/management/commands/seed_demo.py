"""Make realistic, varied, deterministic demo data.

    python manage.py seed_demo --therapists 300 --reviews-per-therapist 8
    python manage.py seed_demo --therapists 100000 --reviews-per-therapist 10
    DJANGO_DEBUG=1 python manage.py seed_demo --staff   # and a staff account
    DJANGO_DEBUG=1 python manage.py seed_demo --staff --address http://127.0.0.1:8101

Nobody seeded can log in (unusable passwords), except the demo staff account,
made only when asked for with DJANGO_DEBUG on, with a random password printed
once (with the staff pages' addresses on the site at --address): a production
database never gets an account with a known password.

Every published profile is complete, as the dashboard's publication checklist
asks: the first PHOTO_LIMIT therapists get a portrait drawn by demo.photos and
stored as an uploaded photo is, and a published therapist whose every credential
was rejected gets a pending association membership.

Therapists cluster around real ZIP codes in a handful of metro areas (New York
around 10001 among them) so that a local search finds people. Rows go in with
bulk inserts; the stored aggregates and scores are then computed by the same
queryset methods the site uses for every change.
"""

import datetime
import random
import secrets
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from clinicians.models import Clinician
from corrections.models import Report
from demo import content, photos
from demo.hours import demo_next_opening, demo_week
from demo.interviews import demo_requests
from demo.pricing import demo_charges
from profiles import versions
from recommendations.counting import recommendations_changed
from recommendations.models import Recommendation
from reviews import stats
from reviews.models import OUTCOMES, Review, ReviewInvitation, SessionRecord
from therapists import accessibility, availability, comfort, geocoding
from therapists.indexing import compact_search_index
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
from verification import badges, jurisdictions
from verification.models import Credential

# Demo therapists and clients cannot log in: an unusable password hash.
NO_LOGIN = make_password(None)
DEMO_STAFF_USERNAME = "staff"
DEFAULT_ADDRESS = "http://127.0.0.1:8000"
# Therapists past this many get no photo: drawing and storing one takes a few
# milliseconds and two files, which the bench's 100,000 would turn into minutes
# and gigabytes. Every demo the site is clicked through is smaller.
PHOTO_LIMIT = 2000
METRO_RADIUS_MILES = 20
BATCH = 5000
# How popular each technique is among therapists who treat back pain.
TECHNIQUE_WEIGHTS = {
    "deep-tissue": 60,
    "myofascial-release": 40,
    "trigger-point": 40,
    "neuromuscular": 20,
    "swedish": 35,
    "sports": 20,
    "medical": 15,
    "active-release": 8,
    "craniosacral": 8,
    "shiatsu": 6,
    "prenatal": 8,
    "lymphatic-drainage": 5,
}
OTHER_LANGUAGES = ["es", "zh", "ko", "ru", "fr", "pt", "vi", "ar", "ht", "pl", "it"]


def insert_many(objs: list) -> None:
    """Insert unsaved model instances of one model with executemany.

    Like bulk_create() without returning keys, and several times faster for the
    millions of rows a large demo needs: Django's bulk_create spends most of its
    time composing one multi-row statement per batch.
    """
    if not objs:
        return
    fields = [f for f in objs[0]._meta.concrete_fields if not f.primary_key]
    db = connections["default"]

    def value(field, obj):
        # An auto_now_add field keeps a moment the demo set (a credential
        # submitted days ago); unset, it is now, as on a save.
        if getattr(field, "auto_now_add", False) and getattr(obj, field.attname):
            return getattr(obj, field.attname)
        return field.pre_save(obj, True)

    insert_rows(
        objs[0]._meta.model,
        [f.column for f in fields],
        [tuple(f.get_db_prep_save(value(f, o), db) for f in fields) for o in objs],
    )


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """executemany an INSERT of ready-to-store rows into a model's table."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def chunks(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


class Command(BaseCommand):
    help = "Fill the database with realistic, deterministic demo data."

    def add_arguments(self, parser):
        parser.add_argument("--therapists", type=int, default=300)
        parser.add_argument("--reviews-per-therapist", type=int, default=8)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has therapists.",
        )
        parser.add_argument(
            "--staff",
            action="store_true",
            help="Also create a superuser 'staff' with a random password, printed "
            "once (only with DJANGO_DEBUG on).",
        )
        parser.add_argument(
            "--address",
            default=DEFAULT_ADDRESS,
            help="Where the site runs, for the staff pages' addresses printed with "
            f"--staff (default {DEFAULT_ADDRESS}; `make run` passes its HOST and "
            "PORT).",
        )

    def handle(
        self,
        *args,
        therapists,
        reviews_per_therapist,
        seed,
        if_empty,
        staff,
        address,
        **opts,
    ):
        if therapists < 1 or reviews_per_therapist < 0:
            raise CommandError("--therapists must be >= 1, reviews >= 0.")
        self.address = self.clean_address(address)
        if staff and not settings.DEBUG:
            raise CommandError(
                "--staff makes an account whose password is printed: it runs only "
                "with DJANGO_DEBUG=1. On a real site use `manage.py createsuperuser`."
            )
        if if_empty and Therapist.objects.exists():
            self.stdout.write("Database already has therapists; not seeding.")
            if staff:
                self.create_staff()
            return
        if Therapist.objects.exists():
            raise CommandError(
                "The database already has therapists; seed an empty database "
                "(or pass --if-empty)."
            )
        # Bulk writes with the profile versions' triggers out of the way (a
        # bump per row written), every kept page stale after them.
        with versions.paused():
            self.write_directory(therapists, reviews_per_therapist, seed, opts)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {Therapist.objects.count():,} therapists and "
                f"{Review.objects.count():,} reviews."
            )
        )
        if staff:
            self.create_staff()

    def write_directory(self, therapists, reviews_per_therapist, seed, opts):
        self.rng = random.Random(seed)
        # For what was added later (photos aside): drawing from its own stream
        # leaves every value the main one gives exactly as it was.
        self.extra_rng = random.Random(f"{seed}-extra")
        self.seed = seed
        self.stored_photos = []
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.show_progress = therapists >= 2000 and opts.get("verbosity", 1) > 0
        self.techniques = {t.slug: t.pk for t in Technique.objects.all()}
        self.conditions = list(Condition.objects.values_list("pk", "name"))
        if not self.techniques or not self.conditions:
            raise CommandError("Run `manage.py migrate` first: taxonomies missing.")
        self.metro_zips = self.load_metros()

        try:
            with transaction.atomic():
                therapist_ids = self.create_therapists(therapists)
        except BaseException:
            # The rows are gone with the transaction; their photos go too.
            for file in self.stored_photos:
                file.storage.delete(file.name)
            raise
        with transaction.atomic():
            self.create_reviews(therapist_ids, reviews_per_therapist)
            self.back_verified_reviews()
        with transaction.atomic():
            self.create_interview_requests(therapist_ids)
        self.progress_note("Computing stored ratings, badges and scores")
        with transaction.atomic():
            stats.recount(Therapist.objects.all(), rescore=False)
            # The badge recount then rescores everyone (and copies the badges
            # and scores to locations).
            badges.recount(Therapist.objects.all())
        self.progress_note("Building the full-text search index")
        with transaction.atomic():
            Therapist.objects.refresh_search_documents()
        # Written in bulk, the index is many segments: merged into one, as the
        # nightly job keeps it (therapists.indexing.compact_search_index()).
        compact_search_index()
        with transaction.atomic():
            self.create_correction_reports()
        with transaction.atomic():
            self.create_clinicians()
        # Fresh statistics so the query planner knows the new data's shape; on
        # PostgreSQL also the visibility map, without which no scan of the
        # freshly written tables can be index-only.
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction (e.g. a test's).
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")

    def create_correction_reports(self):
        """A few open reports of incorrect information for the staff queue."""
        rng = self.extra_rng
        therapist_ids = list(
            Therapist.objects.published().order_by("pk").values_list("pk", flat=True)
        )
        Report.objects.bulk_create(
            Report(therapist_id=rng.choice(therapist_ids), reason=reason, detail=text)
            for reason, text in content.CORRECTION_REPORTS
            if therapist_ids
        )

    def create_clinicians(self):
        """A few clinicians who recommend therapists near them (one whose
        licence still waits for staff, recommending nobody yet), recounted as
        the site does once their licences are in."""
        rng = random.Random(f"{self.seed}-clinicians")
        users = get_user_model().objects
        clinicians = []
        for n, row in enumerate(content.CLINICIANS):
            name, profession, practice, city, state, board, verified = row
            email = f"clinician{n + 1}@example.org"
            user = users.create(username=email, email=email, password=NO_LOGIN)
            clinician = Clinician.objects.create(
                user=user,
                display_name=name,
                profession=profession,
                practice_name=practice,
                city=city,
                state=state,
            )
            Credential.objects.create(
                clinician=clinician,
                kind=Credential.Kind.STATE_LICENCE,
                issuer=board,
                number=f"{state}-{rng.randint(100000, 999999)}",
                jurisdiction=state,
                issued_on=self.today - datetime.timedelta(days=rng.randint(900, 6000)),
                expires_on=self.today + datetime.timedelta(days=rng.randint(60, 700)),
                status=Credential.Status.VERIFIED
                if verified
                else Credential.Status.PENDING,
                verification_method=Credential.Method.BOARD_WEBSITE if verified else "",
                verified_at=self.now if verified else None,
            )
            clinicians.append((clinician, verified))
        badges.clinicians_changed(c.pk for c, _ in clinicians)
        for clinician, verified in clinicians:
            if not verified:
                continue
            nearby = list(
                Therapist.objects.published()
                .filter(locations__state=clinician.state)
                .order_by("pk")
                .values_list("pk", flat=True)
                .distinct()[:40]
            )
            for therapist_id in rng.sample(nearby, min(len(nearby), 3)):
                Recommendation.objects.create(
                    clinician=clinician,
                    therapist_id=therapist_id,
                    statement=rng.choice(content.CLINICIAN_STATEMENTS),
                )
        recommendations_changed(
            Recommendation.objects.values_list("therapist_id", flat=True)
        )

    # --- helpers -------------------------------------------------------------
    def progress_note(self, text):
        if self.show_progress:
            self.stderr.write(text + "...")

    def progress(self, iterable, total, desc):
        return tqdm(
            iterable,
            total=total,
            desc=desc,
            unit="rows",
            disable=not self.show_progress,
        )

    def load_metros(self):
        metros = []
        for name, zip_code, weight, price in content.METROS:
            zips = [
                geocoding.zip_details(code)
                for code in geocoding.zips_near(zip_code, METRO_RADIUS_MILES)
            ]
            metros.append((name, weight, price, [z for z in zips if z]))
        return metros

    def clean_address(self, address: str) -> str:
        """The site's address without a trailing slash, or a CommandError."""
        address = address.strip().rstrip("/")
        try:
            URLValidator(schemes=["http", "https"])(address)
        except ValidationError:
            raise CommandError(
                f"--address must be the site's web address, such as "
                f"{DEFAULT_ADDRESS}; “{address}” is not."
            ) from None
        return address

    def create_staff(self):
        """The demo superuser, with a random password shown this once."""
        User = get_user_model()
        if User.objects.filter(username=DEMO_STAFF_USERNAME).exists():
            self.stdout.write(
                f"Demo staff account '{DEMO_STAFF_USERNAME}' exists; its password "
                "was printed when it was made (`manage.py changepassword "
                f"{DEMO_STAFF_USERNAME}` sets a new one)."
            )
        else:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(
                DEMO_STAFF_USERNAME, "staff@example.org", password
            )
            self.stdout.write(
                f"Demo staff login: {DEMO_STAFF_USERNAME} / {password} (shown only now)"
            )
        self.stdout.write(
            f"  Admin: {self.address}{reverse('admin:index')}\n"
            f"  Credentials to verify: {self.address}{reverse('verification:queue')}"
        )

    def pick_weighted(self, weights: dict, k: int) -> list:
        keys = list(weights)
        chosen = []
        while len(chosen) < k:
            key = self.rng.choices(keys, weights=[weights[x] for x in keys])[0]
            if key not in chosen:
                chosen.append(key)
        return chosen

    # --- therapists ----------------------------------------------------------
    def create_therapists(self, count: int) -> list[int]:
        rng = self.rng
        User = get_user_model()
        metro_weights = [metro[1] for metro in self.metros_list()]
        ids = []
        bar = self.progress(None, count, "therapists")
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            users, profiles, extras = [], [], []
            for i in range(start, start + size):
                first, last = (
                    rng.choice(content.FIRST_NAMES),
                    rng.choice(content.LAST_NAMES),
                )
                username = f"therapist-{i + 1:06d}"
                users.append(
                    User(
                        username=username,
                        first_name=first,
                        last_name=last,
                        email=f"{username}@example.org",
                        password=NO_LOGIN,
                    )
                )
                metro = rng.choices(self.metros_list(), weights=metro_weights)[0]
                profiles.append(self.make_therapist(i, first, last, metro))
                extras.append(metro)
            for offset, therapist in enumerate(profiles):
                if start + offset < PHOTO_LIMIT:
                    self.add_photo(therapist)
            insert_many(users)
            users = User.objects.filter(
                username__in=[u.username for u in users]
            ).order_by("username")
            for user, therapist in zip(users, profiles, strict=True):
                therapist.user_id = user.pk
            insert_many(profiles)
            created = list(
                Therapist.objects.filter(
                    slug__in=[t.slug for t in profiles]
                ).values_list("slug", "pk")
            )
            pk_by_slug = dict(created)
            for therapist in profiles:
                therapist.pk = pk_by_slug[therapist.slug]
            self.create_related(profiles, extras)
            ids.extend(t.pk for t in profiles)
            bar.update(size)
        bar.close()
        return ids

    def metros_list(self):
        return self.metro_zips

    def add_photo(self, therapist: Therapist) -> None:
        """Store a portrait and its thumbnail on the unsaved therapist, through
        the upload pipeline and storage the dashboard uses."""
        first, last = therapist.display_name.split(" ", 1)
        processed = photos.portrait(
            key=f"{self.seed}:{therapist.slug}", initials=first[0] + last[0]
        )
        therapist.photo.save(processed.photo.name, processed.photo, save=False)
        self.stored_photos.append(therapist.photo)
        therapist.photo_thumbnail.save(
            processed.thumbnail.name, processed.thumbnail, save=False
        )
        self.stored_photos.append(therapist.photo_thumbnail)

    def make_therapist(self, index, first, last, metro) -> Therapist:
        therapist = self.make_profile(index, first, last, metro)
        # Its weekly hours, inserted with the other related rows, and what
        # they hold for the search (therapists.changes.hours_changed's rule).
        therapist.demo_week = demo_week(f"{self.seed}-hours-{index}")
        therapist.hours_bits = availability.bits_of(therapist.demo_week)
        # Prices per length, packages, ways to pay and plans (demo/pricing.py);
        # the plans' ids are read once per run.
        if not hasattr(self, "plan_ids"):
            self.plan_ids = list(InsurancePlan.objects.values_list("pk", flat=True))
        therapist.demo_charges = demo_charges(
            f"{self.seed}-prices-{index}",
            therapist.session_price,
            self.plan_ids,
            self.today,
        )
        for name, value in therapist.demo_charges.fields.items():
            setattr(therapist, name, value)
        return therapist

    def make_profile(self, index, first, last, metro) -> Therapist:
        rng = self.rng
        _, _, base_price, _ = metro
        gender = rng.choices(["woman", "man", "non_binary", ""], [58, 34, 4, 4])[0]
        years = rng.randint(1, 30)
        back_pain_years = rng.randint(0, years)
        name = f"{first} {last}"
        confirmed = self.today - datetime.timedelta(days=rng.randint(0, 150))
        return Therapist(
            display_name=name,
            slug=f"{slugify(name)}-{index + 1}",
            pronouns=content.PRONOUNS.get(gender, "") if rng.random() < 0.7 else "",
            gender=gender,
            headline=rng.choice(content.HEADLINES),
            bio="\n\n".join(
                [rng.choice(content.BIO_OPENINGS)]
                + rng.sample(content.BIO_APPROACHES, 2)
            ),
            years_in_practice=years,
            back_pain_years=back_pain_years,
            back_pain_caseload_percent=rng.choice(range(10, 95, 5)),
            # Its own generator: the rest of the demo stays as it was.
            sessions_before_reassessing=random.Random(
                f"{self.seed}-care-{index}"
            ).choice((None, None, 3, 4, 4, 6, 8)),
            session_price=max(50, base_price + rng.choice(range(-40, 65, 5))),
            accepting_new_clients=rng.random() < 0.8,
            # Up to 150 days ago: about two in five show "Not confirmed since".
            details_confirmed_on=confirmed,
            offers_mobile_visits=rng.random() < 0.3,
            access_bits=demo_access_bits(index, step_free=rng.random() < 0.45),
            **demo_comfort(f"{self.seed}-comfort-{index}"),
            **demo_next_opening(f"{self.seed}-opening-{index}", self.today),
            is_published=rng.random() < 0.97,
        )

    def create_related(self, profiles, metros):
        rng = self.rng
        links, languages, locations, condition_links, credentials = [], [], [], [], []
        ConditionLink = Therapist.conditions.through
        for therapist, metro in zip(profiles, metros, strict=True):
            for slug in self.pick_weighted(TECHNIQUE_WEIGHTS, rng.randint(2, 5)):
                links.append(
                    TherapistTechnique(
                        therapist_id=therapist.pk,
                        technique_id=self.techniques[slug],
                        years=rng.randint(0, therapist.years_in_practice),
                    )
                )
            for condition_id, _ in rng.sample(self.conditions, rng.randint(3, 7)):
                condition_links.append(
                    ConditionLink(therapist_id=therapist.pk, condition_id=condition_id)
                )
            languages.append(TherapistLanguage(therapist_id=therapist.pk, code="en"))
            if rng.random() < 0.25:
                languages.append(
                    TherapistLanguage(
                        therapist_id=therapist.pk, code=rng.choice(OTHER_LANGUAGES)
                    )
                )
            zips = metro[3]
            for n in range(1 if rng.random() < 0.85 else 2):
                locations.append(self.make_location(therapist, rng.choice(zips), n))
            made = self.make_credentials(therapist, zips[0].state)
            if therapist.is_published and all(
                c.status == Credential.Status.REJECTED for c in made
            ):
                made.append(self.make_membership(therapist))
            credentials.extend(made)
        insert_many(
            [
                OpeningHours(
                    therapist_id=therapist.pk,
                    weekday=hours.weekday,
                    opens=hours.opens,
                    closes=hours.closes,
                )
                for therapist in profiles
                for hours in therapist.demo_week
            ]
        )
        insert_many(
            [
                SessionPackage(
                    therapist_id=therapist.pk, sessions=n, minutes=minutes, price=price
                )
                for therapist in profiles
                for n, minutes, price in therapist.demo_charges.packages
            ]
        )
        insert_many(
            [
                AcceptedPlan(
                    therapist_id=therapist.pk, plan_id=plan_id, confirmed_on=on
                )
                for therapist in profiles
                for plan_id, on in therapist.demo_charges.plans
            ]
        )
        insert_many(links)
        insert_many(condition_links)
        insert_many(languages)
        insert_many(locations)
        insert_many(credentials)

    def make_location(self, therapist, zip_row, n) -> PracticeLocation:
        rng = self.rng
        home = n == 0 and rng.random() < 0.2
        latitude = zip_row.latitude + rng.uniform(-0.008, 0.008)
        longitude = zip_row.longitude + rng.uniform(-0.008, 0.008)
        if home:
            latitude, longitude = round(latitude, 2), round(longitude, 2)
        street = f"{rng.randint(10, 2400)} {rng.choice(STREETS)}"
        return PracticeLocation(
            therapist_id=therapist.pk,
            name=""
            if home
            else rng.choice(["Studio", "Clinic", "Wellness centre", ""]),
            street_address="" if home else street,
            city=zip_row.city,
            state=zip_row.state,
            postal_code=zip_row.code,
            latitude=latitude,
            longitude=longitude,
            lat_band=geocoding.latitude_band(latitude),
            is_home_based=home,
        )

    def make_credentials(self, therapist, state) -> list[Credential]:
        rng = self.rng
        made = []
        n = therapist.slug.rsplit("-", 1)[1]
        Kind, Method, Status = Credential.Kind, Credential.Method, Credential.Status

        def add(kind, issuer, number, jurisdiction, status_weights, expires=True):
            status = rng.choices(
                [Status.VERIFIED, Status.PENDING, Status.EXPIRED, Status.REJECTED],
                status_weights,
            )[0]
            issued = self.today - datetime.timedelta(days=rng.randint(200, 4000))
            expires_on = None
            if expires:
                if status == Status.EXPIRED:
                    expires_on = self.today - datetime.timedelta(
                        days=rng.randint(1, 400)
                    )
                elif rng.random() < 0.04:
                    # Verified once, lapsed since: the badge rule must notice.
                    expires_on = self.today - datetime.timedelta(
                        days=rng.randint(1, 60)
                    )
                else:
                    expires_on = self.today + datetime.timedelta(
                        days=rng.randint(5, 730)
                    )
                issued = min(issued, expires_on)
            verified = status in (Status.VERIFIED, Status.EXPIRED)
            method = (
                rng.choice(
                    [Method.BOARD_ROSTER, Method.DOCUMENT_REVIEW, Method.BOARD_WEBSITE]
                )
                if verified
                else ""
            )
            verified_at = (
                self.now - datetime.timedelta(days=rng.randint(1, 365))
                if verified
                else None
            )
            made.append(
                Credential(
                    therapist_id=therapist.pk,
                    kind=kind,
                    issuer=issuer,
                    number=number,
                    jurisdiction=jurisdiction,
                    issued_on=issued,
                    expires_on=expires_on,
                    status=status,
                    verification_method=method,
                    verified_at=verified_at,
                    status_note=(
                        "The number does not match the board's roster."
                        if status == Status.REJECTED
                        else ""
                    ),
                    created_at=self.submitted_at(verified_at),
                )
            )
            if kind == Kind.STATE_LICENCE and method == Method.BOARD_ROSTER:
                self.add_board_status(made[-1])

        if rng.random() < 0.9:
            board = content.STATE_BOARDS.get(state, f"{state} Board of Massage Therapy")
            add(Kind.STATE_LICENCE, board, f"MT-{n.zfill(6)}", state, [75, 12, 8, 5])
        if rng.random() < 0.3:
            add(
                Kind.BOARD_CERTIFICATION,
                "NCBTMB",
                f"BC-{n.zfill(7)}",
                "US",
                [85, 10, 5, 0],
            )
        if rng.random() < 0.4:
            issuer, _ = rng.choice(content.TECHNIQUE_CERTIFICATES)
            add(
                Kind.TECHNIQUE_CERTIFICATE,
                issuer,
                f"TC-{n}",
                "US",
                [70, 30, 0, 0],
                False,
            )
        if rng.random() < 0.5:
            add(Kind.ASSOCIATION_MEMBERSHIP, rng.choice(content.ASSOCIATIONS),
                f"AM-{n}", "US", [80, 20, 0, 0])  # fmt: skip
        made.extend(self.make_trauma_training(therapist, n))
        return made

    def make_trauma_training(self, therapist, n: str) -> list[Credential]:
        """Trauma-informed care training for about one in five: mostly verified
        by document review, some still waiting in the queue. Its own random
        stream, so every other demo value stays as it was."""
        rng = random.Random(f"{self.seed}-trauma-{n}")
        if rng.random() >= 0.2:
            return []
        Status = Credential.Status
        verified = rng.random() < 0.8
        verified_at = (
            self.now - datetime.timedelta(days=rng.randint(1, 365))
            if verified
            else None
        )
        waited = datetime.timedelta(
            days=rng.randint(0, 20), minutes=rng.randint(0, 1439)
        )
        return [
            Credential(
                therapist_id=therapist.pk,
                kind=Credential.Kind.TRAUMA_INFORMED,
                issuer=rng.choice(content.TRAUMA_TRAINING_ISSUERS),
                number=f"TI-{n}",
                jurisdiction="US",
                issued_on=self.today - datetime.timedelta(days=rng.randint(400, 2000)),
                status=Status.VERIFIED if verified else Status.PENDING,
                verification_method=(
                    Credential.Method.DOCUMENT_REVIEW if verified else ""
                ),
                verified_at=verified_at,
                created_at=(verified_at or self.now) - waited,
            )
        ]

    def add_board_status(self, credential: Credential) -> None:
        """What the state board's roster showed on the day it verified a
        licence: mostly active; now and then a lapse or a discipline, which
        withholds the badge until staff review it (the queue shows why). Its
        own random stream, so every other demo value stays as it was."""
        rng = random.Random(f"{self.seed}-board-{credential.number}")
        Status = Credential.BoardStatus
        status = rng.choices(
            [Status.ACTIVE, Status.LAPSED, Status.DISCIPLINED], [90, 5, 5]
        )[0]
        state = jurisdictions.by_code(credential.jurisdiction)
        credential.board_status = status
        credential.board_source = (
            content.ROSTER_SOURCES.get(credential.jurisdiction)
            or f"{state.name if state else credential.jurisdiction} board roster"
        )
        credential.board_checked_on = timezone.localdate(credential.verified_at)
        roster = f"{credential.issuer} roster"
        if status == Status.LAPSED:
            credential.roster_flag = f"{roster}: board status is “Expired”"
        elif status == Status.DISCIPLINED:
            case = f"{credential.board_checked_on.year}-{rng.randint(100, 999):04d}"
            credential.roster_flag = (
                f"{roster}: disciplinary action on record ({case}; Probation)"
            )

    def submitted_at(self, decided_at: datetime.datetime | None) -> datetime.datetime:
        """When a credential was submitted: days before its decision, or, while
        it waits, up to three weeks ago, so the staff queue's waiting times vary."""
        waited = datetime.timedelta(
            days=self.extra_rng.randint(0, 20), minutes=self.extra_rng.randint(0, 1439)
        )
        return (decided_at or self.now) - waited

    def make_membership(self, therapist) -> Credential:
        """A pending association membership: the credential a published profile
        needs on the checklist when all its others were rejected."""
        n = therapist.slug.rsplit("-", 1)[1]
        return Credential(
            therapist_id=therapist.pk,
            kind=Credential.Kind.ASSOCIATION_MEMBERSHIP,
            issuer=self.extra_rng.choice(content.ASSOCIATIONS),
            number=f"AM-{n}",
            jurisdiction="US",
            status=Credential.Status.PENDING,
            created_at=self.submitted_at(None),
        )

    # --- reviews -------------------------------------------------------------
    def create_reviews(self, therapist_ids: list[int], per_therapist: int):
        if not per_therapist:
            return
        rng = self.rng
        User = get_user_model()
        total_expected = len(therapist_ids) * per_therapist
        # Popularity varies a lot between therapists (an exponential spread),
        # while the total is exactly therapists x reviews-per-therapist.
        weights = [rng.expovariate(1.0) for _ in therapist_ids]
        scale = total_expected / sum(weights)
        counts = [int(weight * scale) for weight in weights]
        for index in rng.sample(range(len(counts)), total_expected - sum(counts)):
            counts[index] += 1

        # Each therapist's reviewers are distinct clients.
        client_count = max(100, total_expected // 20, 2 * max(counts, default=0))
        clients = [
            User(
                username=f"client-{i + 1:07d}",
                first_name=rng.choice(content.FIRST_NAMES),
                last_name=rng.choice(content.LAST_NAMES),
                email=f"client-{i + 1:07d}@example.org",
                password=NO_LOGIN,
            )
            for i in range(client_count)
        ]
        insert_many(clients)
        client_ids = list(
            User.objects.filter(username__startswith="client-").values_list(
                "pk", flat=True
            )
        )
        technique_names = dict(Technique.objects.values_list("pk", "name"))
        techniques_by_therapist = {}
        for therapist_id, technique_id in TherapistTechnique.objects.values_list(
            "therapist_id", "technique_id"
        ).iterator(chunk_size=BATCH):
            techniques_by_therapist.setdefault(therapist_id, technique_id)
        span_days = 3 * 365
        bar = self.progress(None, total_expected, "reviews")

        def aspect(rating):
            return min(5, max(1, rating + rng.choice((-1, 0, 0, 0, 1))))

        # Outcomes from their own generator, so the rest of the demo stays as
        # it was: about a third of reviewers give pain before and now, some
        # the three PEG items too (lower pain after better-rated sessions).
        outcome_rng = random.Random(f"{self.seed}-outcomes")

        def outcomes(rating):
            if outcome_rng.random() >= 0.35:
                return (None,) * 5
            before = outcome_rng.randint(4, 10)
            after = min(10, max(0, before - rating + 2 + outcome_rng.randint(-2, 1)))
            if outcome_rng.random() >= 0.6:
                return (before, after, None, None, None)
            peg = (
                min(10, max(0, after + outcome_rng.randint(-1, 2))) for _ in range(3)
            )
            return (before, after, *peg)

        def reviews():
            for therapist_id, count in zip(therapist_ids, counts, strict=True):
                quality = min(5.0, max(1.5, rng.gauss(4.3, 0.55)))
                technique = technique_names[techniques_by_therapist[therapist_id]]
                # One current review per client per therapist.
                authors = rng.sample(client_ids, min(count, len(client_ids)))
                for author_id in authors:
                    rating = min(5, max(1, round(rng.gauss(quality, 0.8))))
                    condition_id, condition = rng.choice(self.conditions)
                    created = self.now - datetime.timedelta(
                        days=rng.randint(0, span_days), minutes=rng.randint(0, 1439)
                    )
                    recommend_chance = {5: 0.97, 4: 0.85, 3: 0.4, 2: 0.08, 1: 0.02}
                    yield (
                        therapist_id,
                        author_id,
                        rating,
                        aspect(rating),
                        aspect(rating),
                        aspect(rating),
                        aspect(rating),
                        condition_id,
                        rng.randint(1, 12),
                        rng.random() < recommend_chance[rating],
                        rng.choice(content.REVIEW_TITLES[rating]),
                        rng.choice(content.REVIEW_BODIES[rating]).format(
                            condition=condition.lower(),
                            technique=technique.lower(),
                            sessions=rng.randint(1, 12),
                        ),
                        Review.Status.PUBLISHED.value,
                        True,
                        rng.random() < 0.3,
                        "",
                        "",
                        0,
                        adapt_datetime(created),
                        *outcomes(rating),
                    )

        adapt_datetime = connection.ops.adapt_datetimefield_value
        columns = [
            "therapist_id",
            "author_id",
            "rating",
            "pain_relief",
            "communication",
            "technique",
            "professionalism",
            "condition_id",
            "sessions",
            "would_recommend",
            "title",
            "body",
            "status",
            "is_current",
            "is_verified_client",
            "hold_reasons",
            "moderation_note",
            "helpful_count",
            "created_at",
            *OUTCOMES,
        ]
        for batch in chunks(reviews(), BATCH):
            insert_rows(Review, columns, batch)
            bar.update(len(batch))
        bar.close()

    def create_interview_requests(self, therapist_ids: list[int]) -> None:
        """Requests to ask before booking from the demo clients, so that some
        profiles show how quickly the therapist answers (demo/interviews.py)."""
        client_ids = list(
            get_user_model()
            .objects.filter(username__startswith="client-")
            .values_list("pk", flat=True)
        )
        requests = (
            request
            for therapist_id in therapist_ids
            for request in demo_requests(
                therapist_id, client_ids, self.now, f"{self.seed}-asks-{therapist_id}"
            )
        )
        for batch in chunks(requests, BATCH):
            insert_many(batch)

    def back_verified_reviews(self):
        """Give each review marked as from a verified client what makes it one
        (reviews.sessions): the therapist's invitation, used for it, or a
        session the client and the therapist both recorded before it."""
        rng = self.extra_rng
        invitations, records = [], []
        verified = Review.objects.filter(is_verified_client=True).values_list(
            "therapist_id", "author_id", "created_at"
        )
        for therapist_id, author_id, written in verified.iterator(chunk_size=BATCH):
            if rng.random() < 0.5:
                invitations.append(
                    ReviewInvitation(
                        therapist_id=therapist_id,
                        note="Demo client",
                        created_at=written
                        - datetime.timedelta(days=rng.randint(1, 20)),
                        used_by_id=author_id,
                        used_at=written,
                    )
                )
                continue
            held = written - datetime.timedelta(days=rng.randint(2, 40))
            records.append(
                SessionRecord(
                    therapist_id=therapist_id,
                    client_id=author_id,
                    session_date=timezone.localdate(held),
                    recorded_by_client_at=held + datetime.timedelta(hours=6),
                    recorded_by_therapist_at=held + datetime.timedelta(days=1),
                    created_at=held + datetime.timedelta(hours=6),
                )
            )
        for batch in chunks(invitations, BATCH):
            insert_many(batch)
        for batch in chunks(records, BATCH):
            insert_many(batch)


STREETS = [
    "Main Street", "Broadway", "Park Avenue", "Oak Street", "Maple Avenue",
    "Elm Street", "Washington Street", "Lake Street", "Hill Road", "Pine Street",
    "Cedar Avenue", "Madison Avenue", "Market Street", "Grand Avenue",
]  # fmt: skip


# How often a demo therapist states each other accessibility item.
DEMO_ACCESS_ODDS = {
    "parking": 0.5,
    "transit": 0.55,
    "adjustable-table": 0.5,
    "side-lying-seated": 0.6,
    "scent-free": 0.25,
    "service-animals": 0.4,
}


def demo_comfort(seed: str) -> dict:
    """Plausible comfort and consent statements: about half offer gentle
    pressure, one in eight states no range; clothed, over-the-sheet, companion
    and stop statement at their own odds; most write a draping policy. Drawn
    from its own generator, so the rest of the demo data is unchanged."""
    rng = random.Random(seed)
    lightest = firmest = None
    if rng.random() >= 0.125:
        lightest = comfort.GENTLE if rng.random() < 0.57 else rng.choice((2, 2, 3))
        firmest = max(lightest, rng.choice((3, 4, 4, 5, 5)))
    codes = [code for code, odds in DEMO_COMFORT_ODDS.items() if rng.random() < odds]
    return {
        "pressure_lightest": lightest,
        "pressure_firmest": firmest,
        "comfort_bits": comfort.mask_of(codes),
        "draping_policy": rng.choice(content.DRAPING_POLICIES)
        if rng.random() < 0.7
        else "",
    }


# How often a demo therapist states each comfort and consent option.
DEMO_COMFORT_ODDS = {
    "clothed": 0.45,
    "over-the-sheet": 0.35,
    "companion": 0.5,
    "stop-statement": 0.75,
}


def demo_access_bits(index: int, *, step_free: bool) -> int:
    """A plausible accessibility checklist: a step-free entrance (as often as
    the old wheelchair flag was set) usually comes with a ground floor or lift
    and sometimes an accessible restroom; about one in five states nothing.
    Drawn from its own generator, so the rest of the demo data is unchanged."""
    rng = random.Random(f"access-{index}")
    if not step_free and rng.random() < 0.25:
        return 0
    codes = [code for code, odds in DEMO_ACCESS_ODDS.items() if rng.random() < odds]
    if step_free:
        codes.append("step-free")
        if rng.random() < 0.9:
            codes.append("ground-floor-or-lift")
        if rng.random() < 0.5:
            codes.append("accessible-restroom")
    return accessibility.mask_of(codes)
