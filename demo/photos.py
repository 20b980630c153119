"""Portraits for demo therapists, drawn with Pillow at seed time.

Nothing is downloaded: each portrait is a monogram on soft, overlapping circles
in calm colours, different for every therapist and the same for the same seed
(its design comes from a hash of a key, not from the generator's random
numbers, so the photos leave every other value of the demo as it was). It goes
through therapists.uploads.process_photo(), as a photo uploaded on the
dashboard does, and is stored with its thumbnail in the same storage.

What process_photo() made of a drawing is kept for the life of the process, so
seeding the same demo again (each browser test does) only stores the files.
"""

import colorsys
import functools
import hashlib
import io
import secrets

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from therapists import uploads

# Pixels: one and a half times the largest size a page shows (160 CSS px),
# sharp enough for soft shapes on a high-density screen, and small enough to
# seed quickly (the thumbnail's resizing costs most).
SIZE = 240
CIRCLES = 3
# As many as seed_demo draws (its PHOTO_LIMIT), about 10 kB each.
KEPT = 2000

type RGB = tuple[int, int, int]


def portrait(*, key: str, initials: str) -> uploads.ProcessedPhoto:
    """The processed photo and thumbnail for one therapist, as an upload gives
    them (new random file names each time)."""
    photo, thumbnail, width, height = _processed(key, initials)
    return uploads.ProcessedPhoto(
        photo=ContentFile(photo, name=f"{secrets.token_hex(16)}.jpg"),
        thumbnail=ContentFile(thumbnail, name=f"{secrets.token_hex(16)}.jpg"),
        width=width,
        height=height,
    )


@functools.lru_cache(maxsize=KEPT)
def _processed(key: str, initials: str) -> tuple[bytes, bytes, int, int]:
    processed = uploads.process_photo(
        ContentFile(drawing(key=key, initials=initials), name="portrait.jpg")
    )
    return (
        processed.photo.read(),
        processed.thumbnail.read(),
        processed.width,
        processed.height,
    )


def drawing(*, key: str, initials: str) -> bytes:
    """A JPEG of the portrait: `key` picks the colours and circles."""
    # Each byte of the digest decides one thing, so similar keys differ.
    digest = hashlib.sha256(key.encode()).digest()
    background, circles, ink = palette(digest[0] / 256)
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    # Pale on pale: the circles' edges need no smoothing.
    for n, colour in enumerate(circles):
        radius = SIZE * (0.28 + digest[1 + n] / 256 * 0.25)
        x, y = SIZE * digest[4 + n] / 256, SIZE * digest[7 + n] / 256
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    draw.text(
        (SIZE / 2, SIZE / 2),
        initials.upper()[:2],
        font=_font(),
        anchor="mm",
        fill=ink,
        stroke_width=3,
        stroke_fill=ink,
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def palette(hue: float) -> tuple[RGB, list[RGB], RGB]:
    """The background, the circles' colours and the letters' colour for a hue
    (0 to 1): pale, close neighbours, and a dark ink that keeps a contrast of
    over 5:1 with each of them."""
    background = _colour(hue, lightness=0.91, saturation=0.4)
    circles = [
        _colour(hue + (n - 1) * 0.06, lightness=0.84 - n * 0.04) for n in range(CIRCLES)
    ]
    return background, circles, _colour(hue, lightness=0.2, saturation=0.45)


@functools.cache
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own font, so no system font is needed.
    return ImageFont.load_default(size=round(SIZE * 0.32))


def _colour(hue: float, *, lightness: float, saturation: float = 0.38) -> RGB:
    red, green, blue = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)
