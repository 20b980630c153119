"""The open data page, /open-data/hsds.zip and `manage.py export_hsds`."""

import datetime
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.tasks import default_task_backend
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from hsds import download, tables


@pytest.fixture
def builds(monkeypatch):
    """Count the exports the download runs."""
    made = []
    write = tables.write

    def counting(directory, base_url, chunk_size=tables.CHUNK_SIZE):
        made.append(base_url)
        return write(directory, base_url, chunk_size)

    monkeypatch.setattr(tables, "write", counting)
    return made


def age(days: float) -> None:
    """Make the stored zip `days` old."""
    then = (
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)
    ).timestamp()
    os.utime(default_storage.path(download.NAME), (then, then))


def test_the_zip_holds_the_files_the_command_writes(world, client, settings, tmp_path):
    settings.SITE_ADDRESS = "https://backcare.example"
    response = client.get(reverse("hsds:download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    call_command(
        "export_hsds",
        str(tmp_path / "cmd"),
        base_url=settings.SITE_ADDRESS,
        stdout=io.StringIO(),
    )
    written = sorted(path.name for path in (tmp_path / "cmd").iterdir())
    assert sorted(archive.namelist()) == written
    for name in written:
        assert archive.read(name) == (tmp_path / "cmd" / name).read_bytes(), name


def test_a_fresh_zip_is_reused(world, client, builds):
    first = client.get(reverse("hsds:download"))
    second = client.get(reverse("hsds:download"))
    assert first.status_code == second.status_code == 200
    assert len(builds) == 1
    assert second["Last-Modified"] == first["Last-Modified"]


def test_a_day_old_zip_is_rebuilt(world, client, builds):
    client.get(reverse("hsds:download"))
    age(1.1)
    response = client.get(reverse("hsds:download"))
    assert response.status_code == 200
    assert len(builds) == 2
    assert download.current().fresh()


def test_while_another_request_builds_the_old_zip_is_served(world, client, builds):
    client.get(reverse("hsds:download"))
    age(2)
    cache.add(download.LOCK_KEY, True, 60)
    response = client.get(reverse("hsds:download"))
    assert response.status_code == 200
    assert len(builds) == 1
    assert not download.current().fresh()


def test_without_any_zip_and_a_build_under_way_come_back_later(db, client, builds):
    cache.add(download.LOCK_KEY, True, 60)
    response = client.get(reverse("hsds:download"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert builds == []


def test_a_failed_build_keeps_the_lock_and_serves_the_old_zip(
    world, client, monkeypatch, caplog
):
    client.get(reverse("hsds:download"))
    age(2)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tables, "write", broken)
    response = client.get(reverse("hsds:download"))
    assert response.status_code == 200
    assert "Building the HSDS download failed" in caplog.text
    # Not retried by every request: the lock stays until it times out.
    assert cache.get(download.LOCK_KEY) is True
    assert not list(Path(default_storage.path(download.NAME)).parent.glob("tmp*"))


def test_an_unchanged_zip_answers_not_modified(world, client):
    first = client.get(reverse("hsds:download"))
    response = client.get(
        reverse("hsds:download"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert response.status_code == 304
    assert first["Last-Modified"] == http_date(download.current().built_at.timestamp())
    assert "max-age" in first["Cache-Control"]


def test_the_download_only_answers_get_and_head(db, client, builds):
    assert client.post(reverse("hsds:download")).status_code == 405
    assert builds == []


def test_the_open_data_page_never_builds_the_zip(db, client, builds):
    response = client.get(reverse("hsds:index"))
    assert response.status_code == 200
    assert builds == []
    assert download.current() is None
    page = response.content.decode()
    assert 'href="/open-data/hsds.zip"' in page
    assert 'href="/api/v1/docs/"' in page
    assert "made when it is first asked for" in page
    for name in tables.TABLE_FILES.values():
        assert name in page


def test_the_open_data_page_gives_the_date_and_size_of_the_zip(world, client):
    client.get(reverse("hsds:download"))
    found = download.current()
    page = client.get(reverse("hsds:index")).content.decode()
    built = timezone.localtime(found.built_at)
    assert f'datetime="{built.isoformat()}"' in page
    assert built.strftime("%b %-d, %Y") in page
    assert filesizeformat(found.size) in page


def test_the_footer_links_to_the_open_data_page(db, client):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("hsds:index")}">Open data and API</a>' in page


def test_the_command_writes_every_table_and_counts_them(world, tmp_path):
    out = io.StringIO()
    call_command("export_hsds", str(tmp_path / "x"), stdout=out)
    assert sorted(path.name for path in (tmp_path / "x").iterdir()) == sorted(
        tables.TABLE_FILES.values()
    )
    assert "organizations.json: 3 record(s)" in out.getvalue()


@pytest.mark.parametrize(
    "options, message",
    [
        ({"base_url": "not a url"}, "--base-url"),
        ({"base_url": "ftp://backcare.example"}, "--base-url"),
        ({"chunk_size": 0}, "--chunk-size"),
    ],
)
def test_the_command_refuses_bad_options(db, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_hsds", str(tmp_path / "x"), **options)


def test_the_command_refuses_a_file_for_a_folder(db, tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("export_hsds", str(tmp_path / "file"))


def defer_tasks(settings) -> list:
    """From now on tasks are kept in a queue, as the worker's would be; the
    list of what is queued."""
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
    return default_task_backend.results


@pytest.fixture
def queued(settings) -> list:
    """Tasks kept in a queue from the start of the test."""
    return defer_tasks(settings)


def test_a_stale_zip_is_rebuilt_in_the_background_not_in_the_request(
    world, client, builds, settings
):
    client.get(reverse("hsds:download"))
    age(2)
    built = len(builds)
    queue = defer_tasks(settings)

    response = client.get(reverse("hsds:download"))
    assert response.status_code == 200  # the stale zip, meanwhile
    assert len(builds) == built
    assert [result.task.name for result in queue] == ["build_download"]
    # Nothing more is queued while that build waits.
    client.get(reverse("hsds:download"))
    assert len(queue) == 1


def test_without_a_zip_the_first_request_queues_the_build_and_is_told_to_wait(
    db, client, builds, queued
):
    response = client.get(reverse("hsds:download"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert builds == []
    assert [result.task.name for result in queued] == ["build_download"]
