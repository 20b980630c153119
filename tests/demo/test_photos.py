"""Demo therapists have photos, drawn at seed time and stored as an upload is,
so a published demo profile is complete and stays published when edited."""

import hashlib
import io

import pytest
from django import forms
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from dashboard import publication
from demo import photos
from demo.management.commands import seed_demo
from therapists import uploads
from therapists.forms import TherapistProfileForm
from therapists.models import Therapist

pytestmark = pytest.mark.django_db


def seed(**options):
    options = {"therapists": 40, "reviews_per_therapist": 2, "seed": 7, **options}
    call_command("seed_demo", verbosity=0, **options)


def empty_database():
    from django.contrib.auth import get_user_model

    get_user_model().objects.all().delete()


def digest(file) -> str:
    with file.open("rb") as opened:
        return hashlib.sha256(opened.read()).hexdigest()


def photo_digests() -> dict[str, str]:
    return {t.slug: digest(t.photo) for t in Therapist.objects.order_by("slug")}


def stored_files(settings) -> list:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def contrast(first, second) -> float:
    """The WCAG contrast ratio of two sRGB colours."""

    def luminance(colour) -> float:
        channels = [
            value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
            for value in (c / 255 for c in colour)
        ]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_demo_therapist_gets_a_stored_photo_and_thumbnail():
    seed()

    for therapist in Therapist.objects.all():
        assert therapist.photo.name.startswith("therapists/photos/")
        assert therapist.photo_thumbnail.name.startswith("therapists/thumbnails/")
        with therapist.photo.open("rb") as photo:
            image = Image.open(io.BytesIO(photo.read()))
            assert (image.format, image.size) == ("JPEG", (photos.SIZE, photos.SIZE))
            # Re-encoded by the upload pipeline: pixels only.
            assert not image.info.get("exif") and not image.info.get("icc_profile")
        with therapist.photo_thumbnail.open("rb") as thumbnail:
            size = Image.open(io.BytesIO(thumbnail.read())).size
            assert size == (uploads.THUMBNAIL_SIZE, uploads.THUMBNAIL_SIZE)


def test_photos_differ_between_therapists_and_repeat_with_the_seed():
    seed()
    first = photo_digests()
    empty_database()
    seed()
    again = photo_digests()
    empty_database()
    seed(seed=8)

    assert len(set(first.values())) == len(first)
    assert again == first
    assert set(photo_digests().values()).isdisjoint(first.values())


def test_a_portrait_shows_the_therapists_initials():
    with_initials = photos.drawing(key="7:maria-garcia-1", initials="MG")
    other_initials = photos.drawing(key="7:maria-garcia-1", initials="JA")

    assert with_initials == photos.drawing(key="7:maria-garcia-1", initials="mg")
    assert with_initials != other_initials


@pytest.mark.parametrize("hue", [n / 36 for n in range(36)])
def test_the_initials_keep_a_contrast_of_over_5_to_1_on_every_colour(hue):
    background, circles, ink = photos.palette(hue)

    assert min(contrast(ink, colour) for colour in [background, *circles]) > 5


def test_past_the_photo_limit_therapists_get_none(monkeypatch):
    # The bench's 100,000 therapists would take minutes and gigabytes.
    monkeypatch.setattr(seed_demo, "PHOTO_LIMIT", 5)

    seed(therapists=8)

    with_photo = Therapist.objects.exclude(photo="").values_list("slug", flat=True)
    assert sorted(with_photo, key=lambda slug: int(slug.rsplit("-", 1)[1])) == [
        slug
        for slug in sorted(
            Therapist.objects.values_list("slug", flat=True),
            key=lambda slug: int(slug.rsplit("-", 1)[1]),
        )[:5]
    ]


def test_a_seed_that_fails_leaves_no_photo_behind(settings, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(seed_demo.Command, "create_related", fail)

    with pytest.raises(RuntimeError):
        seed()

    assert not Therapist.objects.exists()
    assert stored_files(settings) == []


def test_every_published_demo_profile_passes_the_publication_checklist():
    seed(therapists=120)

    published = Therapist.objects.filter(is_published=True)
    assert published.count() > 100
    for therapist in published:
        missing = [
            item["label"]
            for item in publication.checklist(therapist)
            if not item["done"]
        ]
        assert missing == [], therapist.slug


def as_posted(form: forms.Form) -> dict:
    """What a browser posts for the form as shown, with nothing changed."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def test_a_demo_therapist_edits_their_profile_and_stays_published(client):
    seed()
    therapist = Therapist.objects.filter(is_published=True).order_by("pk").first()
    client.force_login(therapist.user)
    data = as_posted(TherapistProfileForm(instance=therapist))
    data["headline"] = "Gentle, steady work for low back pain"

    response = client.post(reverse("dashboard:profile"), data, follow=True)

    assert response.status_code == 200
    assert "Your profile is saved." in response.text
    assert "hidden from search" not in response.text
    therapist.refresh_from_db()
    assert therapist.headline == "Gentle, steady work for low back pain"
    assert therapist.is_published
    assert Therapist.objects.published().search("steady").filter(pk=therapist.pk)
