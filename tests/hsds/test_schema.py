"""Every exported record validates against the vendored official HSDS schemas,
nothing private is exported, and ids stay put across runs."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hsds import tables
from tests import factories
from tests.hsds.conftest import BOOKING, HOME_STREET, PHONE
from tests.hsds.schemas import SCHEMA_DIR, validator
from therapists.models import OpeningHours

BASE_URL = "https://backcare.example"


def export(tmp_path, name="out", **kwargs) -> dict[str, list[dict]]:
    """Run the export into tmp_path/name; every table's records."""
    folder = tmp_path / name
    tables.write(folder, BASE_URL, **kwargs)
    return {
        table: json.loads((folder / file_name).read_text())
        for table, file_name in tables.TABLE_FILES.items()
    }


def test_table_files_are_the_schemas_own_paths():
    for table, file_name in tables.TABLE_FILES.items():
        schema = json.loads((SCHEMA_DIR / f"{table}.json").read_text())
        assert schema["path"].removesuffix(".csv") + ".json" == file_name


def test_every_record_validates_against_its_official_schema(world, tmp_path):
    exported = export(tmp_path)
    problems = [
        f"{table} {record.get('id')}: {error.message}"
        for table, records in exported.items()
        for record in records
        for error in validator(table).iter_errors(record)
    ]
    assert problems == []
    # Every table the world fills has records to validate.
    assert all(exported[table] for table in tables.TABLE_FILES), {
        table: len(records) for table, records in exported.items()
    }


def test_the_validator_rejects_a_broken_record(world, tmp_path):
    service = export(tmp_path)["service"][0]
    broken = {**service, "status": "open", "url": "not a url", "last_modified": "x"}
    broken["attributes"] = [{"id": "not-a-uuid"}]
    messages = {error.message for error in validator("service").iter_errors(broken)}
    assert len(messages) == 4, messages


def test_published_practices_only(world, tmp_path):
    exported = export(tmp_path)
    names = {record["name"] for record in exported["organization"]}
    assert names == {"Rosa Full", "Ben Bare", "Omar Other"}
    text = _all_text(tmp_path / "out")
    assert "Hana" not in text
    assert "hana-hidden" not in text
    assert "9 Draft Street" not in text
    assert "San Francisco" not in text


def _all_text(folder) -> str:
    return "".join(path.read_text() for path in sorted(folder.iterdir()))


def test_nothing_private_is_exported(world, tmp_path):
    export(tmp_path)
    text = _all_text(tmp_path / "out")
    for private in (
        "@example.org",
        "rosa.private",
        PHONE,
        # The phone's digits in any format ("555" alone turns up in ids).
        "2125550199",
        "212-555-0199",
        "555 0199",
        BOOKING,
        "book.example.org",
        HOME_STREET,
        "Quiet Lane",
        # The home-based practice's exact point, before the blur.
        "40.693456",
        "-73.989876",
    ):
        assert private not in text, private


def test_a_home_based_practice_has_only_its_city_zip_and_blurred_point(world, tmp_path):
    exported = export(tmp_path)
    home = next(
        r for r in exported["location"] if "Home-based" in r.get("description", "")
    )
    assert (home["latitude"], home["longitude"]) == (40.69, -73.99)
    address = next(a for a in exported["address"] if a["location_id"] == home["id"])
    assert address["address_1"] == ""
    assert (address["city"], address["state_province"], address["postal_code"]) == (
        "Brooklyn",
        "NY",
        "11201",
    )
    flags = [a for a in exported["attribute"] if a["link_id"] == home["id"]]
    assert [flag["link_type"] for flag in flags] == ["location_kind"]
    term = next(
        t for t in exported["taxonomy_term"] if t["id"] == flags[0]["taxonomy_term_id"]
    )
    assert term["code"] == "home-based"
    studio = next(r for r in exported["location"] if r["name"] == "Midtown studio")
    studio_address = next(
        a for a in exported["address"] if a["location_id"] == studio["id"]
    )
    assert studio_address["address_1"] == "350 Fifth Avenue"


def test_the_full_practice_carries_its_details(world, tmp_path):
    exported = export(tmp_path)
    full = world["full"]
    organization = next(r for r in exported["organization"] if r["name"] == "Rosa Full")
    assert organization["website"] == f"{BASE_URL}/therapists/rosa-full/"
    service = next(
        r for r in exported["service"] if r["organization_id"] == organization["id"]
    )
    assert service["url"] == organization["website"]
    assert "Deep tissue" in service["description"]
    assert "Sciatica" in service["description"]
    assert "Sliding scale: Pay what you can on Tuesdays." in service["fees_description"]
    assert "Cancel at least 24 hours ahead or pay $40" in service["fees_description"]
    assert service["assured_date"] == full.details_confirmed_on.isoformat()
    assert "accreditations" in service
    assert "alert" not in service
    options = sorted(
        (r["option"], r["amount"])
        for r in exported["cost_option"]
        if r["service_id"] == service["id"]
    )
    assert options == [
        ("30-minute session", 50),
        ("5 sessions of 60 minutes", 500),
        ("60-minute session", 120),
        ("90-minute session", 160),
        ("First-visit assessment (75 minutes)", 120),
    ]
    assert {r["currency"] for r in exported["cost_option"]} == {"USD"}
    schedules = sorted(
        (r["byday"], r["opens_at"], r["closes_at"], r["freq"])
        for r in exported["schedule"]
        if r["service_id"] == service["id"]
    )
    assert schedules == [
        ("MO", "09:00", "17:30", "WEEKLY"),
        ("SA", "10:00", "14:00", "WEEKLY"),
    ]
    languages = sorted(
        (r["code"], r["name"])
        for r in exported["language"]
        if r["service_id"] == service["id"]
    )
    assert languages == [("ase", "American Sign Language"), ("es", "Spanish")]
    locations = [
        r for r in exported["location"] if r["organization_id"] == organization["id"]
    ]
    assert len(locations) == 2
    links = {
        (r["service_id"], r["location_id"]) for r in exported["service_at_location"]
    }
    assert {(service["id"], location["id"]) for location in locations} <= links
    access = sorted(
        r["description"]
        for r in exported["accessibility"]
        if r["location_id"] == locations[0]["id"]
    )
    assert access == [
        "Scent-free treatment room.",
        "Step-free entrance (level access, ramp or lift).",
    ]
    technique_years = sorted(
        r["value"]
        for r in exported["attribute"]
        if r["link_id"] == service["id"] and r["link_type"] == "technique_offered"
    )
    assert technique_years == ["6 years", "less than a year"]


def test_a_practice_with_nothing_optional_has_only_what_is_required(world, tmp_path):
    exported = export(tmp_path)
    organization = next(r for r in exported["organization"] if r["name"] == "Ben Bare")
    service = next(
        r for r in exported["service"] if r["organization_id"] == organization["id"]
    )
    assert service["alert"] == "Not taking new clients at the moment."
    assert "fees_description" not in service
    assert "assured_date" not in service
    assert "accreditations" not in service
    for table in ("cost_option", "schedule", "language"):
        assert not [r for r in exported[table] if r["service_id"] == service["id"]]
    assert not [
        r for r in exported["location"] if r["organization_id"] == organization["id"]
    ]


def test_every_link_points_at_an_exported_record(world, tmp_path):
    exported = export(tmp_path)
    ids = {table: {r["id"] for r in records} for table, records in exported.items()}
    for table, records in exported.items():
        assert len(ids[table]) == len(records), f"{table} has a repeated id"
        for record in records:
            for field, target in (
                ("organization_id", "organization"),
                ("service_id", "service"),
                ("location_id", "location"),
                ("taxonomy_id", "taxonomy"),
                ("taxonomy_term_id", "taxonomy_term"),
            ):
                if field in record:
                    assert record[field] in ids[target], (table, field)
            if table == "attribute":
                assert record["link_id"] in ids[record["link_entity"]]


def test_ids_are_stable_across_runs_and_chunks(world, tmp_path):
    first = export(tmp_path, "first")
    OpeningHours.objects.create(
        therapist=world["other"], weekday=3, opens="08:00", closes="12:00"
    )
    second = export(tmp_path, "second", chunk_size=1)
    for table in tables.TABLE_FILES:
        before = {r["id"] for r in first[table]}
        after = {r["id"] for r in second[table]}
        assert before <= after, table
    assert len(second["schedule"]) == len(first["schedule"]) + 1
    # Read one therapist at a time, the same records come out.
    third = export(tmp_path, "third", chunk_size=1)
    assert third == second


@pytest.mark.parametrize("extra", [0, 4])
def test_queries_do_not_grow_with_the_number_of_therapists(world, tmp_path, extra):
    for _ in range(extra):
        therapist = factories.make_therapist()
        factories.add_technique(therapist)
        factories.add_language(therapist, "de")
        factories.make_location(therapist)
        OpeningHours.objects.create(
            therapist=therapist, weekday=1, opens="09:00", closes="17:00"
        )
    with CaptureQueriesContext(connection) as queries:
        export(tmp_path)
    # Techniques and conditions (the terms), then one chunk of therapists with
    # its six prefetches: locations, languages, hours, packages, conditions,
    # techniques.
    assert len(queries) == 9, [q["sql"] for q in queries]
