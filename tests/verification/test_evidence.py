"""Verifiers see evidence as page images rendered on the server (issue 13,
point 12): a PDF never opens in the browser's PDF viewer."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from tests import factories
from verification import evidence
from verification.models import Credential

pytestmark = pytest.mark.django_db

PDF = factories.make_pdf_bytes("Licence MT-200002")


def two_page_pdf() -> bytes:
    buffer = io.BytesIO()
    pages = [Image.new("RGB", (300, 400), "white") for _ in range(2)]
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def credential_with(data: bytes, name: str, therapist=None) -> Credential:
    return factories.make_credential(
        therapist,
        status=Credential.Status.PENDING,
        evidence=ContentFile(data, name=name),
    )


def page_url(credential, number=1) -> str:
    return reverse("verification:evidence-page", args=[credential.pk, number])


def test_the_review_page_shows_a_pdf_as_images_and_never_links_it_inline(
    client, verifier, therapist
):
    credential = credential_with(PDF, "licence.pdf", therapist)
    client.force_login(verifier)

    response = client.get(reverse("verification:review", args=[credential.pk]))

    assert f'<img class="evidence-image" src="{page_url(credential)}"' in response.text
    assert "inline" not in response.text
    download = reverse("dashboard:credential-evidence", args=[credential.pk])
    assert f'href="{download}"' in response.text


def test_a_pdf_page_is_rendered_to_a_png(client, verifier, therapist):
    credential = credential_with(PDF, "licence.pdf", therapist)
    client.force_login(verifier)

    response = client.get(page_url(credential))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    # A US Letter page (612 x 792 points) at 144 dpi.
    assert image.size == (1224, 1584)
    # The licence number's text is drawn: not a blank page.
    assert image.convert("L").getextrema()[0] < 128


def test_each_page_of_a_longer_pdf_has_its_image(client, verifier, therapist):
    credential = credential_with(two_page_pdf(), "two.pdf", therapist)
    client.force_login(verifier)

    review = client.get(reverse("verification:review", args=[credential.pk]))
    assert page_url(credential, 2) in review.text
    assert client.get(page_url(credential, 2)).status_code == 200
    assert client.get(page_url(credential, 3)).status_code == 404


def test_image_evidence_is_re_encoded_as_a_png(client, verifier, therapist):
    credential = credential_with(
        factories.make_jpeg_bytes((640, 400)), "scan.jpg", therapist
    )
    client.force_login(verifier)

    response = client.get(page_url(credential))

    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (640, 400)


def test_a_broken_pdf_says_so_on_the_review_page_and_its_image_is_404(
    client, verifier, therapist
):
    credential = credential_with(b"%PDF-1.4\nnot really a pdf", "bad.pdf", therapist)
    client.force_login(verifier)

    review = client.get(reverse("verification:review", args=[credential.pk]))
    assert review.status_code == 200
    assert "could not be shown as images" in review.text
    assert client.get(page_url(credential)).status_code == 404


@pytest.mark.parametrize("who", ["owner", "client", "plain_staff"])
def test_page_images_are_only_for_verifiers(
    client, therapist, client_user, staff_without_permission, who
):
    credential = credential_with(PDF, "licence.pdf", therapist)
    user = {
        "owner": therapist.user,
        "client": client_user,
        "plain_staff": staff_without_permission,
    }[who]
    client.force_login(user)

    assert client.get(page_url(credential)).status_code == 403


def test_anonymous_asking_for_a_page_image_is_sent_to_log_in(client, therapist):
    credential = credential_with(PDF, "licence.pdf", therapist)

    response = client.get(page_url(credential))

    assert response.status_code == 302


@pytest.mark.parametrize(
    "user", ["owner", "verifier"], ids=["owner", "verifier asking inline"]
)
def test_the_pdf_itself_is_only_ever_a_download(client, therapist, verifier, user):
    credential = credential_with(PDF, "licence.pdf", therapist)
    client.force_login(therapist.user if user == "owner" else verifier)

    response = client.get(
        reverse("dashboard:credential-evidence", args=[credential.pk]),
        {"inline": "1"},
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_page_count_stops_at_the_pages_shown(therapist, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_PAGES", 1)
    credential = credential_with(two_page_pdf(), "two.pdf", therapist)

    assert evidence.page_count(credential.evidence) == 1
    with pytest.raises(evidence.Unreadable):
        evidence.page_png(credential.evidence, 2)


def test_a_huge_page_is_rendered_no_larger_than_max_side(therapist):
    buffer = io.BytesIO()
    # 100 pixels at 1 dpi: a page 100 inches (7,200 points) wide.
    Image.new("RGB", (100, 50), "white").save(buffer, "PDF", resolution=1)
    credential = credential_with(buffer.getvalue(), "big.pdf", therapist)

    png = evidence.page_png(credential.evidence, 1)

    assert max(Image.open(io.BytesIO(png)).size) == evidence.MAX_SIDE
