"""Checks and re-encodes files that therapists upload: profile photos and evidence.

Nothing a visitor sends is stored as sent, except a PDF. Images are decoded and
re-encoded so that only pixels survive: no EXIF (GPS position, camera serial),
no XMP, no ICC profile, no comments, and no payload hidden after the image
data. File names are made up here, so an uploaded name never reaches storage.
Form `clean_<field>()` methods call these and get a `ValidationError` for every
bad file, never another exception.
"""

import io
import secrets
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_SIZE = 800  # longest side of the stored photo, px
THUMBNAIL_SIZE = 160  # longest side of the stored thumbnail, px
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

JPEG_QUALITY = 85
# Evidence is read by a person checking a licence number, so keep it sharper.
EVIDENCE_JPEG_QUALITY = 90
# Pillow reports a JPEG with several frames (most phone cameras) as "MPO".
PHOTO_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
EVIDENCE_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG"}
# What a browser would sniff as markup; a PDF never needs these in its header.
HTML_MARKERS = (b"<html", b"<!doctype", b"<head", b"<body", b"<script", b"<svg")
HTML_SNIFF_BYTES = 1024
# Pillow's decoders signal bad input with any of these; fuzzing has also turned
# up the rarer ones. Anything here means "this file is not a valid image".
DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    struct.error,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
)


@dataclass(frozen=True)
class ProcessedPhoto:
    photo: ContentFile  # re-encoded JPEG, name = random hex + ".jpg"
    thumbnail: ContentFile  # re-encoded JPEG, name = random hex + ".jpg"
    width: int  # of the stored photo
    height: int


def process_photo(upload: File) -> ProcessedPhoto:
    """Validate a profile photo and return a clean JPEG and thumbnail of it."""
    data = _read(upload, MAX_PHOTO_BYTES, "Photos")
    allowed = "JPEG, PNG or WEBP"
    with _reading_image(allowed), _open(data, PHOTO_FORMATS, allowed) as image:
        # A JPEG can decode straight to a smaller scale: far less memory and time.
        image.draft("RGB", (PHOTO_SIZE, PHOTO_SIZE))
        image = _to_rgb(_decoded(image))
        image.thumbnail((PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS)
        thumbnail = image.copy()
        thumbnail.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
        return ProcessedPhoto(
            photo=_encode(image, "JPEG", quality=JPEG_QUALITY, optimize=True),
            thumbnail=_encode(thumbnail, "JPEG", quality=JPEG_QUALITY, optimize=True),
            width=image.width,
            height=image.height,
        )


def clean_evidence(upload: File) -> ContentFile:
    """Validate credential evidence: a PDF as sent, or a JPEG/PNG re-encoded."""
    data = _read(upload, MAX_EVIDENCE_BYTES, "Evidence files")
    allowed = "PDF, JPEG or PNG"
    if data.startswith(b"%PDF-"):
        if any(marker in data[:HTML_SNIFF_BYTES].lower() for marker in HTML_MARKERS):
            raise _invalid_type(allowed)
        return ContentFile(data, name=_random_name("pdf"))
    with _reading_image(allowed), _open(data, EVIDENCE_FORMATS, allowed) as image:
        format_ = EVIDENCE_FORMATS[image.format or ""]
        image = _decoded(image)
        if format_ == "JPEG":
            if image.mode not in ("L", "RGB", "CMYK"):
                image = _to_rgb(image)
            return _encode(image, "JPEG", quality=EVIDENCE_JPEG_QUALITY)
        return _encode(image, "PNG")


@contextmanager
def kept_only_if_saved(instance, *fields: str) -> Iterator[None]:
    """Delete the files stored on these fields inside the block if it raises.

    Wrap the whole change, its transaction included: a save or commit that
    fails leaves no file behind. The files the fields held before are left
    alone (delete_on_commit() removes them once a replacement is saved).
    """
    before = {field: getattr(instance, field).name for field in fields}
    try:
        yield
    except BaseException:
        for field in fields:
            file = getattr(instance, field)
            if file and file.name != before[field]:
                file.storage.delete(file.name)
        raise


def _read(upload: File, limit: int, what: str) -> bytes:
    """The whole upload, refusing it early if it is over `limit` bytes."""
    too_large = ValidationError(
        f"{what} must be {limit // (1024 * 1024)} MB or smaller. "
        "Please choose a smaller file.",
        code="too_large",
    )
    if (upload.size or 0) > limit:
        raise too_large
    upload.seek(0)
    # Read one byte past the limit: a file-like may under-report its size.
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


@contextmanager
def _reading_image(allowed: str) -> Iterator[None]:
    """Turn every way Pillow can fail on hostile input into a ValidationError."""
    # Pillow warns about images over its own limit (and raises over twice it)
    # while opening, before we see the size. Made an error here so it can never
    # leak into the logs or, with warnings as errors, escape as a 500.
    # (catch_warnings is not thread-safe before Python 3.14; the worst a race can
    # do is leave this one warning an error for the process, which is harmless.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            raise _too_many_pixels() from e
        except UnidentifiedImageError as e:
            raise _invalid_type(allowed) from e
        except DECODE_ERRORS as e:
            raise ValidationError(
                "This image is damaged or incomplete and could not be read. "
                "Please save it again or choose another file.",
                code="corrupt",
            ) from e


def _open(data: bytes, formats: dict[str, str], allowed: str) -> ImageFile.ImageFile:
    """Open lazily: only the header is read, so size is known before decoding."""
    # `formats` keeps Pillow from even trying its other parsers (EPS would run
    # Ghostscript), so the type comes from the content and a short list.
    image = Image.open(io.BytesIO(data), formats=sorted(set(formats.values())))
    if image.format not in formats:
        raise _invalid_type(allowed)
    if image.width * image.height > MAX_PHOTO_PIXELS:
        raise _too_many_pixels(image.size)
    return image


def _decoded(image: Image.Image) -> Image.Image:
    """Decode every pixel (so truncation shows now) and turn it the right way up.

    Turned now because the EXIF tag that says which way is up is about to go.
    """
    image.load()
    # In place: a copy of a 40-megapixel image would double the memory used.
    ImageOps.exif_transpose(image, in_place=True)
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB with any transparency flattened onto white, as JPEG has no alpha."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _encode(image: Image.Image, format_: str, **options: object) -> ContentFile:
    """Save pixels only: Pillow copies ICC profiles and comments from .info."""
    image.info.clear()
    buffer = io.BytesIO()
    image.save(buffer, format_, **options)
    extension = "jpg" if format_ == "JPEG" else format_.lower()
    return ContentFile(buffer.getvalue(), name=_random_name(extension))


def _random_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"


def _too_many_pixels(size: tuple[int, int] | None = None) -> ValidationError:
    given = f" ({size[0]}×{size[1]} pixels)" if size else ""
    return ValidationError(
        f"This image is too large{given}. Please upload an image of at most "
        f"{MAX_PHOTO_PIXELS // 1_000_000} megapixels.",
        code="too_many_pixels",
    )


def _invalid_type(allowed: str) -> ValidationError:
    return ValidationError(
        f"This file type is not supported. Please upload a {allowed} file.",
        code="invalid_type",
    )
