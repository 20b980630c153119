"""core.bulk.update_from(): a grouped query's columns stored on the rows it
names, in one statement, and nothing else written."""

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.bulk import update_from, update_rows
from core.models import OutgoingMail

pytestmark = pytest.mark.django_db


def mails(*subjects: str) -> list[int]:
    return [
        OutgoingMail.objects.create(to="a@example.org", subject=subject).pk
        for subject in subjects
    ]


def attempts() -> dict[str, int]:
    return dict(OutgoingMail.objects.values_list("subject", "attempts"))


def test_each_row_is_written_to_the_row_it_names_in_one_statement():
    mails("a", "bb", "ccc")
    rows = (
        OutgoingMail.objects.filter(subject__lt="c")
        .values("pk")
        .annotate(attempts=Length("subject"))
    )

    with CaptureQueriesContext(connection) as queries:
        written = update_from(OutgoingMail, rows, key="pk")

    assert written == 2
    assert len(queries) == 1
    # "ccc" was named by no row: left alone.
    assert attempts() == {"a": 1, "bb": 2, "ccc": 0}


def test_rows_that_name_no_row_are_ignored():
    (kept,) = mails("a")
    rows = (
        OutgoingMail.objects.filter(pk=kept)
        .values(gone=F("pk") + 1000)
        .annotate(attempts=Length("subject"))
    )

    assert update_from(OutgoingMail, rows, key="gone") == 0
    assert attempts() == {"a": 0}


def test_a_query_with_nothing_to_write_is_refused():
    with pytest.raises(ValueError, match="a column besides the key"):
        update_from(OutgoingMail, OutgoingMail.objects.values("pk"), key="pk")


def test_values_from_python_are_written_by_key_in_one_statement():
    first, second, third = mails("a", "b", "c")

    with CaptureQueriesContext(connection) as queries:
        written = update_rows(
            OutgoingMail, "attempts", {first: 3, third: 7, third + 100: 9}
        )

    assert written == 2
    assert len(queries) == 1
    assert attempts() == {"a": 3, "b": 0, "c": 7}


def test_no_values_write_nothing():
    mails("a")

    with CaptureQueriesContext(connection) as queries:
        assert update_rows(OutgoingMail, "attempts", {}) == 0

    assert queries.captured_queries == []


def test_rows_that_can_hold_none_write_nothing():
    mails("a")
    rows = (
        OutgoingMail.objects.filter(pk__in=[])
        .values("pk")
        .annotate(attempts=Length("subject"))
    )

    with CaptureQueriesContext(connection) as queries:
        assert update_from(OutgoingMail, rows, key="pk") == 0

    assert queries.captured_queries == []
    assert attempts() == {"a": 0}


def test_values_are_stored_as_the_fields_type_even_all_empty():
    """PostgreSQL types a VALUES list by its rows: a batch of NULLs alone would
    be text, which a timestamp column refuses, without the cast."""
    (sent,) = mails("a")
    OutgoingMail.objects.filter(pk=sent).update(claimed_at=timezone.now())

    assert update_rows(OutgoingMail, "claimed_at", {sent: None}) == 1

    assert OutgoingMail.objects.get(pk=sent).claimed_at is None
