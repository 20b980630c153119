"""Hostile and ordinary uploads, each built here from bytes or with Pillow."""

import io
import re
import struct
import time
import warnings
import zlib
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import RequestFactory
from django.urls import reverse
from PIL import ExifTags, Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from tests import factories
from therapists import uploads
from therapists.models import Therapist
from therapists.uploads import clean_evidence, process_photo
from verification.models import Credential

RANDOM_JPG = re.compile(r"^[0-9a-f]{32}\.jpg$")
METADATA_KEYS = ("exif", "icc_profile", "xmp", "comment")


def upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def image_bytes(
    format_: str = "JPEG", size=(300, 200), mode="RGB", color="red", **options
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format_, **options)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height but whose pixel data is tiny."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 44.0, 54.36)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (73.0, 59.0, 8.5)
    return exif


def rejection(function, content: bytes, name: str = "photo.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        function(upload(content, name))
    return caught.value


def assert_human_sentence(error: ValidationError) -> None:
    message = error.messages[0]
    assert re.match(r"^[A-Z][^\n]{20,}\.$", message), message
    for jargon in ("PIL", "Pillow", "cannot identify", "Traceback", "decompression"):
        assert jargon not in message


def assert_no_metadata(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    assert image.format == "JPEG"
    assert not image.getexif()
    for key in METADATA_KEYS:
        assert key not in image.info
    # And not hidden anywhere in the bytes either.
    for marker in (b"Exif\x00\x00", b"ICC_PROFILE", b"ns.adobe.com/xap", b"PhoneCo"):
        assert marker not in content
    return image


# Photos: what is accepted and what is stored


def test_photo_with_gps_exif_is_stored_without_any_metadata():
    original = image_bytes(
        size=(1200, 900),
        exif=gps_exif(),
        icc_profile=b"not really a colour profile",
        comment=b"shot at 12 Home Street",
        xmp=b"<x:xmpmeta>home address</x:xmpmeta>",
    )
    source = Image.open(io.BytesIO(original))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test can fail

    processed = process_photo(upload(original))

    photo = assert_no_metadata(processed.photo.read())
    thumbnail = assert_no_metadata(processed.thumbnail.read())
    assert photo.size == (800, 600)
    assert thumbnail.size == (160, 120)


def test_exif_orientation_is_applied_so_the_photo_stands_upright():
    landscape = Image.new("RGB", (300, 200), "red")
    landscape.paste("blue", (150, 0, 300, 200))  # left red, right blue
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to view"
    buffer = io.BytesIO()
    landscape.save(buffer, "JPEG", exif=exif)

    processed = process_photo(upload(buffer.getvalue()))

    photo = Image.open(processed.photo)
    assert (processed.width, processed.height) == photo.size == (200, 300)
    top, bottom = photo.getpixel((100, 20)), photo.getpixel((100, 280))
    assert top[0] > 200 and top[2] < 60  # red on top
    assert bottom[2] > 200 and bottom[0] < 60  # blue below
    assert not photo.getexif()


@pytest.mark.parametrize(
    ("size", "photo_size", "thumbnail_size"),
    [
        ((2000, 1000), (800, 400), (160, 80)),
        ((1000, 2000), (400, 800), (80, 160)),
        ((800, 800), (800, 800), (160, 160)),
    ],
)
def test_large_photos_are_scaled_to_fit(size, photo_size, thumbnail_size):
    processed = process_photo(upload(image_bytes(size=size)))

    assert Image.open(processed.photo).size == photo_size
    assert Image.open(processed.thumbnail).size == thumbnail_size
    assert (processed.width, processed.height) == photo_size


def test_small_photo_is_not_upscaled():
    processed = process_photo(upload(image_bytes(size=(300, 200))))

    assert Image.open(processed.photo).size == (300, 200)
    assert (processed.width, processed.height) == (300, 200)
    assert max(Image.open(processed.thumbnail).size) == 160


def test_png_with_transparency_is_flattened_onto_white():
    canvas = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    canvas.paste((255, 0, 0, 255), (100, 100, 300, 300))
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")

    processed = process_photo(upload(buffer.getvalue(), "logo.png"))

    photo = Image.open(processed.photo)
    assert photo.format == "JPEG"
    assert photo.mode == "RGB"
    assert all(channel > 245 for channel in photo.getpixel((10, 10)))  # was clear
    red = photo.getpixel((200, 200))
    assert red[0] > 240 and red[1] < 20 and red[2] < 20


def test_palette_png_with_transparent_index_is_flattened_onto_white():
    palette = Image.new("P", (100, 100), 0)
    palette.putpalette([0, 0, 0, 0, 0, 255] + [0] * 762)
    buffer = io.BytesIO()
    palette.save(buffer, "PNG", transparency=0)

    photo = Image.open(process_photo(upload(buffer.getvalue(), "a.png")).photo)

    assert all(channel > 245 for channel in photo.getpixel((50, 50)))


def test_webp_is_accepted_and_stored_as_jpeg():
    processed = process_photo(upload(image_bytes("WEBP", size=(1000, 500)), "a.webp"))

    photo = Image.open(processed.photo)
    assert photo.format == "JPEG"
    assert photo.size == (800, 400)


def test_bytes_appended_after_the_image_are_not_stored():
    payload = b"<script>alert(document.cookie)</script>"
    processed = process_photo(upload(image_bytes() + payload))

    assert payload not in processed.photo.read()
    assert payload not in processed.thumbnail.read()


def test_stored_names_are_random_and_never_from_the_upload():
    content = image_bytes()
    first = process_photo(upload(content, "dana-owner-12-home-street.jpg"))
    second = process_photo(upload(content, "dana-owner-12-home-street.jpg"))

    names = [first.photo.name, first.thumbnail.name]
    names += [second.photo.name, second.thumbnail.name]
    assert all(RANDOM_JPG.match(name) for name in names), names
    assert len(set(names)) == 4
    assert not any("dana" in name or "home" in name for name in names)


def test_photo_is_read_from_the_start_even_if_the_upload_was_read_already():
    photo = upload(image_bytes())
    photo.read()

    assert process_photo(photo).width == 300


# Photos: what is rejected


def test_text_file_named_jpg_is_rejected_by_its_content():
    error = rejection(process_photo, b"Just some notes, not a picture.\n" * 20)

    assert error.code == "invalid_type"
    assert "JPEG, PNG or WEBP" in error.messages[0]
    assert_human_sentence(error)


def test_svg_with_script_is_rejected():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>"
    )
    error = rejection(process_photo, svg, "avatar.svg")

    assert error.code == "invalid_type"
    assert_human_sentence(error)


@pytest.mark.parametrize(
    ("format_", "name"),
    [("GIF", "tiny.gif"), ("GIF", "photo.jpg"), ("BMP", "a.bmp"), ("TIFF", "a.tif")],
)
def test_other_image_formats_are_rejected(format_, name):
    error = rejection(process_photo, image_bytes(format_, size=(2, 2)), name)

    assert error.code == "invalid_type"
    assert "JPEG, PNG or WEBP" in error.messages[0]


@pytest.mark.parametrize("format_", ["JPEG", "PNG", "WEBP"])
def test_truncated_image_is_rejected_as_corrupt(format_):
    # Noise does not compress, so cutting the file loses most of the pixels.
    noise = Image.frombytes("RGB", (300, 300), bytes(range(256)) * 1055)
    buffer = io.BytesIO()
    noise.save(buffer, format_)
    truncated = buffer.getvalue()[: len(buffer.getvalue()) // 2]

    error = rejection(process_photo, truncated)

    assert error.code == "corrupt"
    assert_human_sentence(error)


def test_photo_over_five_megabytes_is_rejected():
    error = rejection(process_photo, b"\xff\xd8\xff" + b"\x00" * (20 * 1024 * 1024))

    assert error.code == "too_large"
    assert "5 MB" in error.messages[0]
    assert_human_sentence(error)


def test_upload_that_under_reports_its_size_is_still_measured():
    photo = upload(b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024))
    photo.size = 1000

    with pytest.raises(ValidationError) as caught:
        process_photo(photo)
    assert caught.value.code == "too_large"


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (7000, 7000),  # over our limit, under Pillow's own
        (10000, 10000),  # Pillow would warn
        (20000, 20000),  # Pillow would raise DecompressionBombError
    ],
)
def test_pixel_bomb_is_rejected_from_its_header_without_decoding(
    monkeypatch, width, height
):
    def decode_pixels(self):
        raise AssertionError("the pixels of a pixel bomb were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode_pixels)
    bomb = png_declaring(width, height)
    assert len(bomb) < 200

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as a strict server would run
        error = rejection(process_photo, bomb, "bomb.png")
    assert time.perf_counter() - started < 0.5

    assert error.code == "too_many_pixels"
    assert "40 megapixels" in error.messages[0]
    assert_human_sentence(error)


def test_pixel_bomb_rejection_does_not_leak_a_pillow_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rejection(process_photo, png_declaring(10000, 10000), "bomb.png")

    assert not [w for w in caught if w.category is Image.DecompressionBombWarning]


# Evidence


def test_real_minimal_pdf_is_kept_exactly():
    pdf = (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )

    stored = clean_evidence(upload(pdf, "licence.pdf"))

    assert stored.read() == pdf
    assert re.match(r"^[0-9a-f]{32}\.pdf$", stored.name)


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body><script>alert(1)</script></body></html>",
        b"  <!DOCTYPE html><html><p>%PDF-1.4</p></html>",
        b"%PDF-1.4\n<html><script>alert(1)</script></html>",
    ],
)
def test_html_named_pdf_is_rejected(content):
    error = rejection(clean_evidence, content, "evidence.pdf")

    assert error.code == "invalid_type"
    assert "PDF, JPEG or PNG" in error.messages[0]
    assert_human_sentence(error)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "a.svg"),
        (b"licence number 12345\n", "licence.txt"),
        (b"PK\x03\x04" + b"\x00" * 100, "licence.zip"),
        (image_bytes("GIF", size=(2, 2)), "licence.gif"),
        (image_bytes("WEBP", size=(20, 20)), "licence.webp"),
    ],
)
def test_other_evidence_types_are_rejected(content, name):
    error = rejection(clean_evidence, content, name)

    assert error.code == "invalid_type"
    assert "PDF, JPEG or PNG" in error.messages[0]


def test_evidence_jpeg_is_reencoded_without_gps():
    original = image_bytes(size=(1600, 1200), exif=gps_exif(), comment=b"home")

    stored = clean_evidence(upload(original, "licence.jpg"))

    content = stored.read()
    image = assert_no_metadata(content)
    assert image.size == (1600, 1200)  # evidence keeps its full resolution
    assert RANDOM_JPG.match(stored.name)


def test_evidence_png_is_reencoded_as_png_without_metadata():
    text = PngInfo()
    text.add_text("Comment", "taken at 12 Home Street")
    original = image_bytes("PNG", size=(500, 300), exif=gps_exif(), pnginfo=text)

    stored = clean_evidence(upload(original, "licence.png"))

    image = Image.open(stored)
    assert image.format == "PNG"
    assert image.size == (500, 300)
    assert not image.getexif()
    assert not image.text
    assert re.match(r"^[0-9a-f]{32}\.png$", stored.name)


def test_evidence_over_ten_megabytes_is_rejected():
    error = rejection(clean_evidence, b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))

    assert error.code == "too_large"
    assert "10 MB" in error.messages[0]


def test_evidence_pixel_bomb_and_truncated_image_are_rejected():
    bomb = rejection(clean_evidence, png_declaring(7000, 7000), "a.png")
    truncated = rejection(clean_evidence, image_bytes(size=(300, 300))[:300])

    assert bomb.code == "too_many_pixels"
    assert truncated.code == "corrupt"


def test_limits_are_the_documented_ones():
    assert uploads.MAX_PHOTO_BYTES == 5 * 1024 * 1024
    assert uploads.MAX_EVIDENCE_BYTES == 10 * 1024 * 1024
    assert uploads.MAX_PHOTO_PIXELS == 40_000_000
    assert (uploads.PHOTO_SIZE, uploads.THUMBNAIL_SIZE) == (800, 160)


# --- storing: a failed save leaves no file behind -----------------------------


def stored_files(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db
def test_a_photo_whose_save_fails_leaves_no_file_behind(client, settings, monkeypatch):
    therapist = factories.add_photo(factories.make_therapist())
    before = stored_files(settings)
    client.force_login(therapist.user)

    def fail(self, *args, **kwargs):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(Therapist, "save", fail)
    photo = upload(factories.make_jpeg_bytes((400, 300)), "me.jpg")
    with pytest.raises(DatabaseError):
        client.post(reverse("dashboard:photo"), {"photo": photo})

    assert stored_files(settings) == before
    assert len(before) == 2  # the old photo and thumbnail are still there


@pytest.mark.django_db
def test_kept_only_if_saved_keeps_files_of_a_save_that_succeeds(settings):
    therapist = factories.make_therapist()
    processed = process_photo(upload(factories.make_jpeg_bytes((400, 300))))

    with uploads.kept_only_if_saved(therapist, "photo", "photo_thumbnail"):
        therapist.photo.save(processed.photo.name, processed.photo, save=False)
        therapist.photo_thumbnail.save(
            processed.thumbnail.name, processed.thumbnail, save=False
        )
        therapist.save()

    assert len(stored_files(settings)) == 2


# --- the admin cleans uploads as the dashboard does ---------------------------


def admin_form(model, obj, user, data, files):
    request = RequestFactory().post("/")
    request.user = user
    form_class = admin.site._registry[model].get_form(request, obj, change=True)
    form = form_class(data=data, files=files, instance=obj)
    form.is_valid()
    return form


@pytest.mark.django_db
def test_admin_photo_upload_is_cleaned_and_gets_a_thumbnail(staff_user):
    therapist = factories.make_therapist()
    sent = upload(factories.make_jpeg_bytes((1600, 1200), exif=gps_exif()))
    form = admin_form(Therapist, therapist, staff_user, {}, {"photo": sent})

    assert "photo" not in form.errors
    photo = form.cleaned_data["photo"]
    assert RANDOM_JPG.match(photo.name)
    stored = Image.open(io.BytesIO(photo.read()))
    assert max(stored.size) == uploads.PHOTO_SIZE
    assert not stored.getexif()
    assert max(Image.open(form.instance.photo_thumbnail).size) == 160
    assert "photo_thumbnail" not in form.fields  # made from the photo only


@pytest.mark.django_db
def test_admin_photo_of_a_type_the_dashboard_refuses_is_refused_here(staff_user):
    therapist = factories.make_therapist()
    gif = io.BytesIO()
    Image.new("RGB", (50, 50)).save(gif, "GIF")
    sent = upload(gif.getvalue(), "a.gif")
    form = admin_form(Therapist, therapist, staff_user, {}, {"photo": sent})
    assert "This file type is not supported." in form.errors["photo"][0]


@pytest.mark.django_db
def test_admin_evidence_is_cleaned_as_the_dashboards(staff_user):
    credential = factories.make_credential()
    html_pdf = upload(b"%PDF-1.4 <html><script>alert(1)</script>", "licence.pdf")
    form = admin_form(Credential, credential, staff_user, {}, {"evidence": html_pdf})
    assert "This file type is not supported." in form.errors["evidence"][0]

    sent = upload(factories.make_jpeg_bytes((800, 600), exif=gps_exif()), "scan.jpg")
    form = admin_form(Credential, credential, staff_user, {}, {"evidence": sent})
    assert "evidence" not in form.errors
    evidence = form.cleaned_data["evidence"]
    assert RANDOM_JPG.match(evidence.name)
    assert not Image.open(io.BytesIO(evidence.read())).getexif()
