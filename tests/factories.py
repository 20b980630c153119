"""Small `make_*(**overrides)` functions for test data."""

import contextlib
import datetime
import functools
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from reviews import stats
from reviews.models import Review
from therapists import changes, geocoding
from therapists.models import (
    Condition,
    PracticeLocation,
    Technique,
    Therapist,
    TherapistLanguage,
    TherapistTechnique,
)
from verification import badges
from verification.models import Credential

_counter = itertools.count(1)
# Inside bulk(): the therapists whose derived data waits for the end of the block.
_pending: dict[int, Therapist] | None = None


@contextlib.contextmanager
def bulk():
    """Make many objects, then recount their therapists' derived data once, in
    bulk, as seed_demo does, instead of after each object as the site does; the
    therapists made or touched inside are reloaded at the end."""
    global _pending
    _pending = {}
    try:
        yield
    finally:
        touched, _pending = _pending, None
    therapists = Therapist.objects.filter(pk__in=list(touched))
    stats.recount(therapists)
    badges.recount(therapists)
    therapists.refresh_search_documents()
    for therapist in touched.values():
        therapist.refresh_from_db()


def _upkeep(therapist, recount) -> None:
    """Recount what a change moved now, as the site does, or at the end of bulk()."""
    if _pending is None:
        recount()
    else:
        _pending[therapist.pk] = therapist


def recounted(therapist, recount) -> None:
    recount([therapist.pk])
    therapist.refresh_from_db()


def make_user(**overrides):
    n = next(_counter)
    fields = {
        "username": f"user{n}",
        "email": f"user{n}@example.org",
        "first_name": "Pat",
        "last_name": "Doe",
    }
    fields.update(overrides)
    password = fields.pop("password", "correct-horse-battery")
    return get_user_model().objects.create_user(password=password, **fields)


def make_therapist(**overrides):
    n = next(_counter)
    fields = {
        "display_name": f"Therapist {n}",
        "slug": f"therapist-{n}",
        "headline": "Deep tissue work for low back pain",
        "bio": "I treat back pain.",
        "years_in_practice": 10,
        "back_pain_years": 5,
        "back_pain_caseload_percent": 60,
        "session_price": 120,
        "is_published": True,
    }
    fields.update(overrides)
    if "user" not in fields:
        fields["user"] = make_user()
    therapist = Therapist.objects.create(**fields)
    _upkeep(therapist, lambda: changes.profile_edited(therapist))
    return therapist


def technique(slug="deep-tissue"):
    return Technique.objects.get(slug=slug)


def condition(slug="sciatica"):
    return Condition.objects.get(slug=slug)


def add_technique(therapist, slug="deep-tissue", years=3):
    link = TherapistTechnique.objects.create(
        therapist=therapist, technique=technique(slug), years=years
    )
    _upkeep(therapist, lambda: changes.techniques_changed(therapist))
    return link


def add_language(therapist, code="es"):
    return TherapistLanguage.objects.create(therapist=therapist, code=code)


def make_location(therapist=None, zip_code="10001", **overrides):
    therapist = therapist or make_therapist()
    details = geocoding.zip_details(zip_code)
    fields = {
        "therapist": therapist,
        "street_address": "350 Fifth Avenue",
        "city": details.city,
        "state": details.state,
        "postal_code": zip_code,
        "latitude": details.latitude,
        "longitude": details.longitude,
    }
    fields.update(overrides)
    location = PracticeLocation.objects.create(**fields)

    def recount():
        # As the dashboard does: the badge depends on where they practise.
        changes.locations_changed(therapist)
        badges.practice_states_changed([therapist.pk])

    _upkeep(therapist, recount)
    return location


def make_credential(therapist=None, refresh=True, **overrides):
    """A credential; verified ones get how/when. Recounts the therapist's badge
    as the site does (and reloads `therapist`)."""
    therapist = therapist or make_therapist()
    n = next(_counter)
    fields = {
        "therapist": therapist,
        "kind": Credential.Kind.STATE_LICENCE,
        "issuer": "New York State Education Department",
        "number": f"MT-{n:06d}",
        "jurisdiction": "NY",
        "expires_on": timezone.localdate() + datetime.timedelta(days=365),
        "status": Credential.Status.VERIFIED,
    }
    fields.update(overrides)
    if fields["status"] == Credential.Status.VERIFIED:
        fields.setdefault("verified_at", timezone.now())
        fields.setdefault("verification_method", Credential.Method.DOCUMENT_REVIEW)
    credential = Credential.objects.create(**fields)
    if refresh:
        _upkeep(therapist, lambda: recounted(therapist, badges.credentials_changed))
    return credential


def make_review(therapist=None, refresh=True, **overrides):
    """A review; recounts the therapist's stored totals as the site does (and
    reloads `therapist`)."""
    therapist = therapist or make_therapist()
    fields = {
        "therapist": therapist,
        "rating": 5,
        "title": "Helped my back",
        "body": "Careful, attentive deep tissue work.",
        "sessions": 3,
    }
    fields.update(overrides)
    # Aspects follow the overall rating unless given; recommending follows a good one.
    for aspect in ("pain_relief", "communication", "technique", "professionalism"):
        fields.setdefault(aspect, fields["rating"])
    fields.setdefault("would_recommend", fields["rating"] >= 4)
    if "is_published" in fields:
        published = fields.pop("is_published")
        fields["status"] = Review.Status.PUBLISHED if published else Review.Status.HELD
    if "author" not in fields:
        fields["author"] = make_user()
    # As on the site, writing again replaces the author's current review.
    Review.objects.filter(
        therapist=therapist, author=fields["author"], is_current=True
    ).update(is_current=False)
    review = Review.objects.create(**fields)
    if refresh:
        _upkeep(therapist, lambda: recounted(therapist, stats.reviews_changed))
    return review


def make_reviews(therapist, ratings, **overrides):
    """One review per rating, each by its own client, then one recount."""
    reviews = [
        make_review(therapist, refresh=False, rating=rating, **overrides)
        for rating in ratings
    ]
    _upkeep(therapist, lambda: recounted(therapist, stats.reviews_changed))
    return reviews


def make_account(email="imani@example.org", **overrides):
    """A user shaped like sign-up makes one: the lower-cased email is the username."""
    email = email.lower()
    return make_user(username=email, email=email, **overrides)


def make_jpeg_bytes(size=(1200, 900), exif=None):
    """A real JPEG of noisy pixels, so a copy cut short fails to decode (made
    once per size when there is no EXIF: noise costs a tenth of a second)."""
    return _noisy_jpeg(size, exif) if exif else _noisy_jpeg_cached(size)


@functools.cache
def _noisy_jpeg_cached(size) -> bytes:
    return _noisy_jpeg(size)


def _noisy_jpeg(size, exif=None) -> bytes:
    import io

    from PIL import Image

    image = Image.merge(
        "RGB", [Image.effect_noise(size, 60 + 10 * band) for band in range(3)]
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


def make_pdf_bytes(text="Licence MT-000001"):
    """A small one-page PDF naming a licence."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Contents 4 0 R >> endobj\n"
        b"4 0 obj << /Length "
        + str(len(stream)).encode()
        + b" >> stream\n"
        + stream
        + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def add_photo(therapist):
    """Store a processed photo and thumbnail, as the dashboard's photo page does."""
    from django.core.files.base import ContentFile

    from therapists import uploads

    processed = uploads.process_photo(ContentFile(make_jpeg_bytes(), name="me.jpg"))
    therapist.photo.save(processed.photo.name, processed.photo, save=False)
    therapist.photo_thumbnail.save(
        processed.thumbnail.name, processed.thumbnail, save=False
    )
    therapist.save(update_fields=["photo", "photo_thumbnail"])
    return therapist


def make_publishable_draft(**overrides):
    """An unpublished profile with every item of the publication checklist done."""
    therapist = make_therapist(is_published=False, **overrides)
    add_photo(therapist)
    add_technique(therapist)
    make_location(therapist)
    make_credential(therapist, status=Credential.Status.PENDING)
    return therapist


def make_staff_user(permissions=(), **overrides):
    """A staff user granted each "app_label.codename" permission, as an admin would."""
    from django.contrib.auth.models import Permission

    user = make_user(is_staff=True, **overrides)
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_review_form_data(**overrides):
    """What a client posts on the review form: a clean review that publishes.

    The body is under 12 words so that several clients posting it are never
    held as copies of each other (see reviews.moderation.MIN_WORDS_TO_COMPARE).
    """
    fields = {
        "rating": 5,
        "pain_relief": 5,
        "communication": 4,
        "technique": 5,
        "professionalism": 4,
        "condition": condition("sciatica").pk,
        "sessions": 4,
        "would_recommend": "on",
        "title": "Sciatica finally eased",
        "body": "Slow, careful work: I can sit at my desk again.",
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def make_report(review, reporter=None, **overrides):
    """An open report on a review."""
    from reviews.models import ReviewReport

    fields = {
        "review": review,
        "reporter": reporter or make_user(),
        "reason": ReviewReport.Reason.FAKE,
        "details": "",
    }
    fields.update(overrides)
    return ReviewReport.objects.create(**fields)


def make_invitation(therapist=None, **overrides):
    """An unused one-time review invitation."""
    from reviews.models import ReviewInvitation

    fields = {"therapist": therapist or make_therapist(), "note": "For a client"}
    fields.update(overrides)
    return ReviewInvitation.objects.create(**fields)


def make_interview(
    therapist=None, client=None, questions=None, answers=(), **overrides
):
    """An interview request with its questions; `answers` fills them in order.

    Answers alone do not change the status: pass status= and answered_at= too,
    as the therapist's answer form sets them together.
    """
    from interviews.models import InterviewQuestion, InterviewRequest

    fields = {
        "therapist": therapist or make_therapist(),
        "client": client or make_user(),
        "pain_where": "Lower back, left side",
        "pain_since": "Last winter",
        "contact_method": InterviewRequest.Contact.EMAIL,
    }
    fields.update(overrides)
    interview = InterviewRequest.objects.create(**fields)
    texts = list(questions or ["What experience do you have with sciatica?"])
    answers = list(answers) + [""] * (len(texts) - len(answers))
    InterviewQuestion.objects.bulk_create(
        InterviewQuestion(request=interview, position=position, text=text, answer=a)
        for position, (text, a) in enumerate(zip(texts, answers, strict=True))
    )
    return interview


def make_session_record(therapist=None, client=None, *, confirmed=True, **overrides):
    """A session record: recorded by the client, and by the therapist too
    unless `confirmed` is False. Marks nothing: see reviews.sessions."""
    from reviews.models import SessionRecord

    now = timezone.now()
    fields = {
        "therapist": therapist or make_therapist(),
        "client": client or make_user(),
        "session_date": timezone.localdate() - datetime.timedelta(days=7),
        "recorded_by_client_at": now,
        "recorded_by_therapist_at": now if confirmed else None,
    }
    fields.update(overrides)
    return SessionRecord.objects.create(**fields)


def make_clinician(verified=True, **overrides):
    """A clinician; `verified` gives them a current, verified state licence
    (recounted as the site does, so their verified date is stored)."""
    from clinicians.models import Clinician

    fields = {
        "display_name": "Dr. Maya Chen",
        "profession": Clinician.Profession.PHYSICIAN,
        "practice_name": "Lakeside Spine Clinic",
        "city": "Denver",
        "state": "CO",
    }
    fields.update(overrides)
    if "user" not in fields:
        fields["user"] = make_user()
    clinician = Clinician.objects.create(**fields)
    if verified:
        make_licence(clinician)
    return clinician


def make_licence(clinician, **overrides):
    """A clinician's state licence, verified unless a status is given;
    recounts the clinician (and reloads it)."""
    n = next(_counter)
    fields = {
        "clinician": clinician,
        "kind": Credential.Kind.STATE_LICENCE,
        "issuer": "Colorado Medical Board",
        "number": f"DR-{n:06d}",
        "jurisdiction": clinician.state,
        "expires_on": timezone.localdate() + datetime.timedelta(days=365),
        "status": Credential.Status.VERIFIED,
    }
    fields.update(overrides)
    if fields["status"] == Credential.Status.VERIFIED:
        fields.setdefault("verified_at", timezone.now())
        fields.setdefault("verification_method", Credential.Method.DOCUMENT_REVIEW)
    licence = Credential.objects.create(**fields)
    badges.clinicians_changed([clinician.pk])
    clinician.refresh_from_db()
    return licence


def make_recommendation(
    clinician=None,
    therapist=None,
    statement="I refer patients with chronic low back pain to them.",
):
    """A current recommendation, written and recounted as the site does (the
    therapist is reloaded)."""
    from recommendations import writing

    therapist = therapist or make_therapist()
    recommendation = writing.recommend(
        clinician=clinician or make_clinician(),
        therapist=therapist,
        statement=statement,
    )
    therapist.refresh_from_db()
    return recommendation


def make_shortlist_entry(user=None, therapist=None):
    """One therapist on a member's saved shortlist."""
    from shortlist.models import ShortlistEntry

    return ShortlistEntry.objects.create(
        user=user or make_user(), therapist=therapist or make_therapist()
    )


def technique_formset_data(rows: list[dict], initial: int = 0) -> dict:
    """POST data for the dashboard's techniques formset: one dict per row."""
    from therapists.forms import TechniqueFormSet

    prefix = TechniqueFormSet.get_default_prefix()
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": initial}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data
