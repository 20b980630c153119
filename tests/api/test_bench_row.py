"""The bench's "api search" row: the search best page's very query through
the API, reported beside Datasette's JSON with the ratio."""

import pytest

from bench import run
from tests import factories

pytestmark = pytest.mark.usefixtures("unlimited_api")


def test_the_api_row_runs_the_same_search_as_search_best(client, db):
    therapist = factories.make_therapist()
    factories.add_technique(therapist, "deep-tissue")
    factories.make_location(therapist, "10001")
    factories.make_credential(therapist)
    page_path, api_path = run.SHAPES["search best"], run.SHAPES["api search"]
    assert api_path == "/api/v1" + page_path
    page = client.get(page_path).context["page_obj"]
    response = client.get(api_path)
    assert response.status_code == 200
    found = [result["slug"] for result in response.json()["results"]]
    assert found == [t.slug for t in page.object_list] == [therapist.slug]


def test_the_report_gives_the_api_against_datasette_json(capsys):
    row = {"rps": 10.0, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "errors": 0}
    pages = dict.fromkeys(
        ["search best", "datasette html", "deep page 200", "page 1"], row
    )
    pages["api search"] = {**row, "rps": 45.0, "queries": 5}
    pages["api search"] |= {"sql_ms": 1.0, "python_ms": 9.0}
    pages["datasette json"] = {**row, "rps": 15.0}
    results = {
        "engine": "sqlite",
        "therapists": 10,
        "connections": 2,
        "seconds": 1,
        "pages": pages,
        "mixed": None,
    }
    run.report(results)
    assert "api search req/s / Datasette JSON req/s = 3.00" in capsys.readouterr().out
    assert "| api search | 45.0 |" in run.markdown(results)
