"""Every log line says which run it came from, and which request (or null)."""

import json
import logging
import textwrap

import pytest

from core.logging import JsonFormatter, RequestContextFilter, new_run, run_id
from tests.fresh_process import run_python

# A process outside any request (a management command, a worker) logging twice,
# then once inside a task of its own.
OUTSIDE_A_REQUEST = textwrap.dedent(
    """
    import logging
    import django
    django.setup()
    from core.logging import new_run
    log = logging.getLogger("demo.job")
    log.warning("first")
    log.warning("second")
    with new_run():
        log.warning("in a task")
    """
)


def lines_of_a_process() -> list[dict]:
    result = run_python(
        OUTSIDE_A_REQUEST, {"DJANGO_SETTINGS_MODULE": "directory.settings"}
    )
    return [
        line
        for line in map(json.loads, result.stderr.splitlines())
        if line["logger"] == "demo.job"
    ]


def formatted(record: logging.LogRecord) -> dict:
    RequestContextFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_lines_outside_a_request_carry_the_run_id_and_a_null_request_id():
    first, second, in_task = lines_of_a_process()
    other_process = lines_of_a_process()[0]

    assert first["request_id"] is None and in_task["request_id"] is None
    assert first["run_id"] == second["run_id"]
    assert in_task["run_id"] != first["run_id"]
    assert other_process["run_id"] != first["run_id"]


def test_a_new_run_has_its_own_id_and_ends_with_its_block():
    before = run_id()
    with new_run() as task:
        inside = formatted(logging.makeLogRecord({"msg": "sent"}))
    after = formatted(logging.makeLogRecord({"msg": "done"}))

    assert inside["run_id"] == task != before
    assert after["run_id"] == before


@pytest.mark.django_db
def test_djangos_own_line_about_a_404_carries_the_request_id(client, caplog):
    client.get("/no/such/page/", HTTP_X_REQUEST_ID="req-87654321")

    (line,) = [r for r in caplog.records if r.name == "django.request"]
    assert formatted(line)["request_id"] == "req-87654321"
    assert formatted(line)["path"] == "/no/such/page/"
