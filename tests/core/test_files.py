from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from core.files import delete_on_commit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist():
    therapist = factories.add_photo(factories.make_therapist())
    factories.make_credential(therapist).evidence.save(
        "licence.pdf", ContentFile(factories.make_pdf_bytes())
    )
    return therapist


def test_files_are_deleted_from_their_own_storage_once_the_transaction_commits(
    therapist, django_capture_on_commit_callbacks
):
    evidence = therapist.credentials.get().evidence
    # The photo is public media, the evidence private: two storages.
    assert therapist.photo.storage is not evidence.storage
    paths = [
        Path(therapist.photo.path),
        Path(therapist.photo_thumbnail.path),
        Path(evidence.path),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        delete_on_commit(therapist.photo, therapist.photo_thumbnail, evidence)
        assert all(path.exists() for path in paths)

    assert not any(path.exists() for path in paths)


def test_nothing_is_deleted_when_the_transaction_rolls_back(
    therapist, django_capture_on_commit_callbacks
):
    path = Path(therapist.photo.path)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            delete_on_commit(therapist.photo)
            raise RuntimeError("the change failed")

    assert callbacks == []
    assert path.exists()


def test_a_field_given_a_new_file_before_the_commit_loses_only_the_old_one(
    therapist, django_capture_on_commit_callbacks
):
    old = Path(therapist.photo.path)

    with django_capture_on_commit_callbacks(execute=True):
        delete_on_commit(therapist.photo)
        therapist.photo.save("new.jpg", ContentFile(factories.make_jpeg_bytes()))

    assert not old.exists()
    assert Path(therapist.photo.path).exists()


def test_empty_fields_are_skipped(django_capture_on_commit_callbacks):
    therapist = factories.make_therapist()
    assert not therapist.photo

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        delete_on_commit(therapist.photo, therapist.photo_thumbnail)

    assert callbacks == []
