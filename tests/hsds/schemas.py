"""Validators for the vendored HSDS schemas (hsds/schema/), with their
relative $refs resolved through a `referencing` Registry."""

import datetime
import functools
import json
import urllib.parse
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "hsds" / "schema"
# The schemas carry no $id; a base lets their relative $refs ("attribute.json")
# resolve to their neighbours.
BASE = "https://hsds.invalid/schema/"

# The tables' schemas declare no $schema; HSDS 3's OpenAPI document declares
# JSON Schema 2020-12 as its dialect (jsonSchemaDialect), so that is the draft.
DIALECT = json.loads((SCHEMA_DIR / "openapi.json").read_text())["jsonSchemaDialect"]

format_checker = FormatChecker()


@format_checker.checks("uri", raises=ValueError)
def is_uri(value: object) -> bool:
    """An absolute URI: a scheme and, for http(s), a host (jsonschema checks
    "uri" only with an optional package, which the project does not install)."""
    if not isinstance(value, str):
        return True
    parts = urllib.parse.urlsplit(value)
    if not parts.scheme or any(c.isspace() for c in value):
        return False
    return parts.scheme not in ("http", "https") or bool(parts.netloc)


@format_checker.checks("date-time", raises=ValueError)
def is_date_time(value: object) -> bool:
    """An RFC 3339 date-time, with its offset or Z."""
    if not isinstance(value, str):
        return True
    if "T" not in value.upper():
        return False
    parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None


@functools.cache
def registry() -> Registry:
    """Every table's schema, each under its file name."""
    resources = [
        (
            BASE + path.name,
            Resource.from_contents(
                json.loads(path.read_text()), default_specification=DRAFT202012
            ),
        )
        for path in SCHEMA_DIR.glob("*.json")
    ]
    return Registry().with_resources(resources)


@functools.cache
def validator(table: str) -> Draft202012Validator:
    """A validator for one record of `table` (e.g. "organization")."""
    schema = registry().contents(BASE + f"{table}.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(
        {"$schema": DIALECT, "$ref": BASE + f"{table}.json"},
        registry=registry(),
        format_checker=format_checker,
    )
