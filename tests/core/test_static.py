"""The static files' storage outside development (core.static)."""

import json

import pytest

from core.static import StaticFilesStorage

HASHED = "css/site.0123456789ab.css"


@pytest.fixture
def storage(tmp_path):
    manifest = {"paths": {"css/site.css": HASHED}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_an_asset_s_url_is_the_manifest_s_worked_out_once(storage, monkeypatch):
    assert storage.url("css/site.css") == f"/static/{HASHED}"

    def asked_again(name):
        raise AssertionError(f"{name} looked up again")

    monkeypatch.setattr(storage, "stored_name", asked_again)
    assert storage.url("css/site.css") == f"/static/{HASHED}"


def test_an_asset_missing_from_the_manifest_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
