"""Credential evidence as page images, for staff reviewing a credential.

An uploaded PDF is stored as sent (therapists.uploads), so it is never handed to
a browser to display: its own PDF viewer would parse and script it inside the
site's origin. PDFium (pypdfium2) renders its first pages to PNG here, on the
server, and the review page shows those; a JPEG or PNG is re-encoded the same
way. Only pixels reach the verifier's browser.
"""

import io
import threading

import pypdfium2 as pdfium
from django.db.models.fields.files import FieldFile
from PIL import Image

from therapists.uploads import DECODE_ERRORS

MAX_PAGES = 5  # pages rendered; the download has the rest
PDF_SCALE = 2.0  # 144 dpi: a licence number in small print stays legible
MAX_SIDE = 2000  # px, longest side of a rendered page, whatever the page size
# PDFium is not thread-safe: one render at a time per process.
_pdfium = threading.Lock()


class Unreadable(Exception):
    """The evidence is missing, or not a document that can be rendered."""


def page_count(evidence: FieldFile) -> int:
    """How many page images the evidence has (at most MAX_PAGES)."""
    data = _read(evidence)
    if not data.startswith(b"%PDF-"):
        _image(data)
        return 1
    with _pdfium, _pdf(data) as pdf:
        return min(len(pdf), MAX_PAGES)


def page_png(evidence: FieldFile, number: int) -> bytes:
    """Page `number` (from 1) of the evidence as a PNG; Unreadable when there is
    no such page or the file cannot be rendered."""
    if not 1 <= number <= MAX_PAGES:
        raise Unreadable(f"Only pages 1 to {MAX_PAGES} are shown.")
    data = _read(evidence)
    if not data.startswith(b"%PDF-"):
        if number != 1:
            raise Unreadable("An image has one page.")
        return _png(_image(data))
    with _pdfium, _pdf(data) as pdf:
        if number > len(pdf):
            raise Unreadable("The document has fewer pages.")
        page = pdf[number - 1]
        try:
            width, height = page.get_size()
            scale = min(PDF_SCALE, MAX_SIDE / max(width, height, 1))
            bitmap = page.render(scale=scale)
            image = bitmap.to_pil()
        except pdfium.PdfiumError as error:
            raise Unreadable(str(error)) from error
        finally:
            page.close()
    return _png(image)


def _read(evidence: FieldFile) -> bytes:
    if not evidence:
        raise Unreadable("No evidence uploaded.")
    try:
        with evidence.open("rb") as handle:
            return handle.read()
    except FileNotFoundError as error:
        raise Unreadable("The evidence file is missing.") from error


class _pdf:
    """An open PdfDocument, closed on leaving; Unreadable if PDFium refuses it."""

    def __init__(self, data: bytes):
        try:
            self.document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            raise Unreadable(str(error)) from error

    def __enter__(self) -> pdfium.PdfDocument:
        return self.document

    def __exit__(self, *exc) -> None:
        self.document.close()


def _image(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (*DECODE_ERRORS, Image.DecompressionBombError) as error:
        raise Unreadable(str(error)) from error
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGB")  # e.g. a CMYK JPEG: PNG has no CMYK
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    return image


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
