"""The published directory as Open Referral HSDS 3.0 tables, one JSON file each.

The shape: HSDS 3 describes every table with one JSON schema (`hsds/schema/`,
each naming its file, e.g. `locations.csv`) and serialises a dataset either as
that tabular package or as the API's nested objects. A file export follows the
tabular form, as JSON: one file per table (`organizations.json`,
`services.json`, ...), each a list of flat records that link to each other by
their `*_id` fields. Each record then validates on its own against its table's
official schema, the files stream out in constant memory (one record a line),
and a consumer can load them table by table or turn them into the CSV package
without guessing. The nested organization/service lists of the HSDS API are
views of these same rows, and repeat a location for every service at it.

What maps to what: a published therapist's practice is an organization with
one service (massage therapy for back pain) and one contact (the therapist, by
name, with no email or phone); each practice location a location with its
address and a service_at_location; the weekly hours schedules of the service
(local time, no zone: we store none); the languages, the accessibility items
stated (on each location), the session prices, the assessment and the packages
cost options in USD; techniques and conditions terms of the directory's own
taxonomies, linked to the service by attributes. A home-based practice has no
street (an empty `address_1`: HSDS requires the field), only its city, state,
ZIP and the blurred point stored, and is flagged by its description and an
attribute. Never exported: email, the phone and booking link shown only to
accepted clients, unpublished profiles.

Ids are uuid5 of a fixed namespace and the row's table and primary key, so a
re-export keeps every id.
"""

import datetime
import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

from django.db.models import Prefetch
from django.urls import reverse

from hsds import taxonomies
from hsds.taxonomies import HOME_BASED_TERM, HOME_BASED_WORDS, record_id
from therapists import accessibility, availability, payment, pricing
from therapists.models import LANGUAGE_CHOICES, Therapist, TherapistTechnique

HSDS_VERSION = "3.0"
CHUNK_SIZE = 500
CURRENCY = "USD"
SERVICE_NAME = "Massage therapy for back pain"

# Each table (the name of its schema in hsds/schema/) and its file: the
# schema's own `path`, in JSON.
TABLE_FILES: dict[str, str] = {
    "organization": "organizations.json",
    "service": "services.json",
    "location": "locations.json",
    "address": "addresses.json",
    "service_at_location": "service_at_location.json",
    "contact": "contacts.json",
    "schedule": "schedules.json",
    "language": "languages.json",
    "accessibility": "accessibility.json",
    "cost_option": "cost_options.json",
    "taxonomy": "taxonomies.json",
    "taxonomy_term": "taxonomy_terms.json",
    "attribute": "attributes.json",
}

# The only columns read: what the public profile shows. The phone, booking
# link and contact choice stay unread, so no record can carry them.
EXPORTED_FIELDS = (
    "id",
    "slug",
    "display_name",
    "headline",
    "bio",
    "accepting_new_clients",
    "offers_mobile_visits",
    "access_bits",
    "payment_bits",
    "session_price",
    "price_30",
    "price_45",
    "price_75",
    "price_90",
    "assessment_minutes",
    "assessment_price",
    "sliding_scale",
    "sliding_scale_note",
    "cancellation_notice_hours",
    "cancellation_fee",
    "details_confirmed_on",
    "updated_at",
    "badge_valid_until",
)

# ISO 639 codes where the site's own differ (HSDS asks for ISO 639-1 or -3).
ISO_LANGUAGE = {"asl": "ase"}
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

STATED_WORDS = "As the therapist states it; the directory does not check it."


class Exporter:
    """Yields (table, record) pairs of the published directory, reading the
    therapists CHUNK_SIZE at a time with a fixed number of queries each."""

    def __init__(self, base_url: str, chunk_size: int = CHUNK_SIZE):
        self.base_url = base_url.rstrip("/")
        self.chunk_size = chunk_size

    def url(self, path: str) -> str:
        """An absolute URL on the site."""
        return f"{self.base_url}{path}"

    def records(self) -> Iterator[tuple[str, dict]]:
        """Every record of every table: taxonomies first, then practice by practice."""
        yield from taxonomies.records(self.url)
        for therapist in self.therapists():
            yield from self.practice_records(therapist)

    def therapists(self) -> Iterator[Therapist]:
        """Published therapists, in chunks by id, with everything exported."""
        technique_links = TherapistTechnique.objects.select_related("technique")
        queryset = (
            Therapist.objects.published()
            .with_badge()
            .only(*EXPORTED_FIELDS)
            .order_by("pk")
            .prefetch_related(
                "locations",
                "languages",
                "opening_hours",
                "packages",
                "conditions",
                Prefetch("technique_links", queryset=technique_links),
            )
        )
        after = 0
        while True:
            chunk = list(queryset.filter(pk__gt=after)[: self.chunk_size])
            yield from chunk
            if len(chunk) < self.chunk_size:
                return
            after = chunk[-1].pk

    # --- one practice ------------------------------------------------------
    def practice_records(self, therapist: Therapist) -> Iterator[tuple[str, dict]]:
        """A therapist's organization, service and everything hung on them."""
        organization_id = record_id("organization", therapist.pk)
        service_id = record_id("service", therapist.pk)
        profile_url = self.url(therapist.get_absolute_url())
        yield (
            "organization",
            {
                "id": organization_id,
                "name": therapist.display_name,
                "description": therapist.headline or SERVICE_NAME,
                "website": profile_url,
            },
        )
        yield "service", self.service(therapist, service_id, organization_id)
        yield (
            "contact",
            {
                "id": record_id("contact", therapist.pk),
                "organization_id": organization_id,
                "service_id": service_id,
                "name": therapist.display_name,
                "title": "Massage therapist",
            },
        )
        for link in therapist.technique_links.all():
            years = f"{link.years} years" if link.years else "less than a year"
            yield (
                "attribute",
                taxonomies.attribute(
                    "technique", link.technique_id, "service", service_id, years
                ),
            )
        for condition in therapist.conditions.all():
            yield (
                "attribute",
                taxonomies.attribute("condition", condition.pk, "service", service_id),
            )
        yield from self.cost_options(therapist, service_id)
        for hours in therapist.opening_hours.all():
            yield "schedule", self.schedule(hours, service_id)
        for language in therapist.languages.all():
            yield (
                "language",
                {
                    "id": record_id("language", language.pk),
                    "service_id": service_id,
                    "name": str(LANGUAGE_NAMES.get(language.code, language.code)),
                    "code": ISO_LANGUAGE.get(language.code, language.code),
                },
            )
        for location in therapist.locations.all():
            yield from self.location_records(
                therapist, location, organization_id, service_id
            )

    def service(self, therapist: Therapist, service_id, organization_id) -> dict:
        """The one service of a practice."""
        techniques = [link.technique.name for link in therapist.technique_links.all()]
        conditions = [condition.name for condition in therapist.conditions.all()]
        description = [therapist.bio.strip() or therapist.headline]
        if techniques:
            description.append(f"Techniques: {', '.join(techniques)}.")
        if conditions:
            description.append(f"Conditions treated: {', '.join(conditions)}.")
        if therapist.offers_mobile_visits:
            description.append("Offers home and mobile visits.")
        record = {
            "id": service_id,
            "organization_id": organization_id,
            "name": SERVICE_NAME,
            "description": "\n\n".join(part for part in description if part),
            "url": self.url(therapist.get_absolute_url()),
            "status": "active",
            "application_process": (
                "Ask the therapist your questions before booking, through the "
                "directory: "
                + self.url(reverse("interviews:request", args=[therapist.slug]))
            ),
            "last_modified": therapist.updated_at.astimezone(datetime.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        fees = fees_words(therapist)
        if fees:
            record["fees_description"] = fees
        if not therapist.accepting_new_clients:
            record["alert"] = "Not taking new clients at the moment."
        if therapist.details_confirmed_on:
            record["assured_date"] = therapist.details_confirmed_on.isoformat()
        if therapist.has_badge:
            record["accreditations"] = (
                "Verified by the Back Care Directory: a current massage licence "
                "from a state where the therapist practises (or a national board "
                "certification where that state licenses nobody), checked by its "
                "staff."
            )
        return record

    def cost_options(self, therapist, service_id) -> Iterator[tuple[str, dict]]:
        """The session prices, the first-visit assessment and the packages."""
        for price in pricing.prices_of(therapist):
            yield (
                "cost_option",
                self.cost_option(
                    ("length", therapist.pk, price.minutes),
                    service_id,
                    f"{price.minutes}-minute session",
                    price.price,
                    f"per {price.minutes}-minute session",
                ),
            )
        if therapist.assessment_words:
            yield (
                "cost_option",
                self.cost_option(
                    ("assessment", therapist.pk),
                    service_id,
                    f"First-visit assessment ({therapist.assessment_minutes} minutes)",
                    therapist.assessment_price,
                    therapist.assessment_words,
                ),
            )
        for package in therapist.packages.all():
            yield (
                "cost_option",
                self.cost_option(
                    ("package", package.pk),
                    service_id,
                    f"{package.sessions} sessions of {package.minutes} minutes",
                    package.price,
                    package.words,
                ),
            )

    def cost_option(self, key, service_id, option, amount, words) -> dict:
        """One cost option, in US dollars."""
        return {
            "id": record_id("cost_option", *key),
            "service_id": service_id,
            "option": option,
            "currency": CURRENCY,
            "amount": amount,
            "amount_description": words,
        }

    def schedule(self, hours, service_id) -> dict:
        """One weekly range of opening time (local time: no zone is stored)."""
        opening = hours.as_range()
        day = availability.WEEKDAYS[hours.weekday][1]
        return {
            "id": record_id("schedule", hours.pk),
            "service_id": service_id,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": WEEKDAY_CODES[hours.weekday],
            "opens_at": hours.opens.strftime("%H:%M"),
            "closes_at": hours.closes.strftime("%H:%M"),
            "description": f"{day} {opening.words}",
            "notes": availability.LOCAL_TIME_NOTE,
        }

    def location_records(
        self, therapist, location, organization_id, service_id
    ) -> Iterator[tuple[str, dict]]:
        """A practice location, its address, its service_at_location, the
        accessibility items stated and, when home-based, the flag."""
        location_id = record_id("location", location.pk)
        record = {
            "id": location_id,
            "location_type": "physical",
            "organization_id": organization_id,
            "name": location.name or f"{therapist.display_name}, {location.city}",
            # Already blurred when home-based: PracticeLocation.save().
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
        if location.is_home_based:
            record["description"] = HOME_BASED_WORDS
        yield "location", record
        yield (
            "address",
            {
                "id": record_id("address", location.pk),
                "location_id": location_id,
                "address_1": "" if location.is_home_based else location.street_address,
                "city": location.city,
                "state_province": location.state,
                "postal_code": location.postal_code,
                "country": location.country,
                "address_type": "physical",
            },
        )
        yield (
            "service_at_location",
            {
                "id": record_id("service_at_location", location.pk),
                "service_id": service_id,
                "location_id": location_id,
                "description": f"{SERVICE_NAME} in {location.city}, {location.state}",
            },
        )
        for item in accessibility.checklist(therapist.access_bits).stated:
            yield (
                "accessibility",
                {
                    "id": record_id("accessibility", location.pk, item.code),
                    "location_id": location_id,
                    "description": item.hsds,
                    "details": STATED_WORDS,
                },
            )
        if location.is_home_based:
            yield (
                "attribute",
                taxonomies.attribute(
                    "practice", HOME_BASED_TERM, "location", location_id
                ),
            )


def fees_words(therapist: Therapist) -> str:
    """The payment terms in words: sliding scale, cancellation, ways to pay."""
    words = []
    if therapist.sliding_scale:
        note = therapist.sliding_scale_note.strip()
        words.append(f"Sliding scale: {note}" if note else "Sliding scale.")
    if therapist.cancellation_words:
        words.append(f"{therapist.cancellation_words}.")
    ways = [item.label for item in payment.stated(therapist.payment_bits)]
    if ways:
        words.append(f"Ways to pay: {', '.join(ways)}.")
    return " ".join(words)


def write(directory: Path, base_url: str, chunk_size: int = CHUNK_SIZE) -> dict:
    """Write every table's file into `directory`; returns the records per table."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(TABLE_FILES, 0)
    with ExitStack() as stack:
        files = {
            table: stack.enter_context(
                (directory / name).open("w", encoding="utf-8", newline="\n")
            )
            for table, name in TABLE_FILES.items()
        }
        for out in files.values():
            out.write("[")
        for table, record in Exporter(base_url, chunk_size).records():
            out = files[table]
            out.write(",\n" if counts[table] else "\n")
            json.dump(record, out, ensure_ascii=False, separators=(",", ":"))
            counts[table] += 1
        for out in files.values():
            out.write("\n]\n")
    return counts
