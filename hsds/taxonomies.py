"""The directory's own HSDS taxonomies: massage techniques, back and neck
conditions and kinds of practice location, their terms, and the attributes
that link a service or a location to a term. Ids are stable (record_id)."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import reverse

from therapists.models import Condition, Technique

# Never change: every exported id is derived from it.
NAMESPACE = uuid.UUID("6f1e9d3c-2a47-5b8e-9c0d-4b7a1e2f3c5d")

HOME_BASED_TERM = "home-based"
HOME_BASED_WORDS = (
    "Home-based practice: only the city, ZIP code and an approximate point "
    "(about a kilometre) are public; the exact address is shared once a client "
    "books."
)


def record_id(*key: object) -> str:
    """The stable uuid5 of a record: its table and the keys it comes from."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in key)))


@dataclass(frozen=True)
class Taxonomy:
    code: str
    name: str
    description: str
    # The attribute's link_type: what a term of this taxonomy says of a record.
    link_type: str


TAXONOMIES = (
    Taxonomy(
        "technique",
        "Massage techniques",
        "The massage techniques a therapist in the Back Care Directory offers.",
        "technique_offered",
    ),
    Taxonomy(
        "condition",
        "Back and neck conditions",
        "The back and neck conditions a therapist in the Back Care Directory treats.",
        "condition_treated",
    ),
    Taxonomy(
        "practice",
        "Kinds of practice location",
        "What kind of place a practice location of the Back Care Directory is.",
        "location_kind",
    ),
)
BY_CODE = {taxonomy.code: taxonomy for taxonomy in TAXONOMIES}


def records(url: Callable[[str], str]) -> Iterator[tuple[str, dict]]:
    """The taxonomies, then every term (two queries); `url` makes a path absolute."""
    for taxonomy in TAXONOMIES:
        yield (
            "taxonomy",
            {
                "id": record_id("taxonomy", taxonomy.code),
                "name": taxonomy.name,
                "description": taxonomy.description,
                # Each taxonomy is explained on the open data page.
                "uri": url(reverse("hsds:index")) + f"#{taxonomy.code}",
            },
        )
    for kind, model in (("technique", Technique), ("condition", Condition)):
        for found in model.objects.order_by("pk"):
            yield (
                "taxonomy_term",
                term(
                    kind,
                    found.pk,
                    found.slug,
                    found.name,
                    found.description or found.name,
                    url(found.get_absolute_url()),
                ),
            )
    yield (
        "taxonomy_term",
        term(
            "practice",
            HOME_BASED_TERM,
            HOME_BASED_TERM,
            "Home-based practice",
            HOME_BASED_WORDS,
        ),
    )


def term(kind, key, code, name, description, uri=None) -> dict:
    """One term of the taxonomy `kind`, its id from `key`."""
    record = {
        "id": record_id("taxonomy_term", kind, key),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": BY_CODE[kind].name,
        "taxonomy_id": record_id("taxonomy", kind),
        "language": "en",
    }
    if uri:
        record["term_uri"] = uri
    return record


def attribute(kind, key, link_entity, link_id, value=None) -> dict:
    """An attribute linking the record `link_id` of the table `link_entity` to
    the term `key` of the taxonomy `kind`."""
    record = {
        "id": record_id("attribute", link_entity, link_id, kind, key),
        "link_id": link_id,
        "taxonomy_term_id": record_id("taxonomy_term", kind, key),
        "link_type": BY_CODE[kind].link_type,
        "link_entity": link_entity,
    }
    if value:
        record["value"] = value
    return record
