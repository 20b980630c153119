"""schema.org JSON-LD for a public profile: the practice and the therapist, for
search engines and other programs, saying no more than the page itself shows.

The practice is a HealthAndBeautyBusiness, not a MedicalBusiness: massage
therapists are not medical providers, and the site says what massage can and
cannot do for back pain rather than claim it treats a disease.

Reviews follow Google's review-snippet rules for a site that reviews other
businesses: the rating describes the practice (a third party's, not this
site's own, so it is not self-serving), the reviews in the graph are the first
ones the page shows, and there is no aggregateRating without reviews.

Everything is read from what the profile view has already loaded (the
therapist row, its prefetched locations and credentials, the page of reviews
the template lists anyway): building the graph costs no query.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from reviews.models import Review
from therapists.models import PracticeLocation, Therapist
from verification.models import Credential

SCHEMA = "https://schema.org"
# A few reviews are enough for a rich result; all of them are on the page.
REVIEWS_IN_GRAPH = 5
BEST_RATING = 5
WORST_RATING = 1

# As django.utils.html.json_script: inside a <script> element these three must
# not appear raw, or "</script>" in a review would end the element.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def profile_json_ld(
    therapist: Therapist,
    *,
    url: str,
    techniques: Iterable[Any],
    reviews: Sequence[Review],
) -> SafeString:
    """The profile's `<script type="application/ld+json">` element, or "" for a
    draft: only published profiles describe themselves to search engines."""
    if not therapist.is_published:
        return mark_safe("")  # noqa: S308 - empty
    graph = profile_graph(therapist, url=url, techniques=techniques, reviews=reviews)
    return script_element(graph)


def script_element(data: dict) -> SafeString:
    """`data` as a JSON-LD script element, safe to place anywhere in HTML."""
    text = json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text),  # noqa: S308 - JSON with <, > and & escaped
    )


def profile_graph(
    therapist: Therapist,
    *,
    url: str,
    techniques: Iterable[Any],
    reviews: Sequence[Review],
) -> dict:
    """The JSON-LD document: an @graph of the practice and the therapist."""
    practice_id, person_id = f"{url}#practice", f"{url}#therapist"
    practice: dict[str, Any] = {
        "@type": "HealthAndBeautyBusiness",
        "@id": practice_id,
        "name": therapist.display_name,
        "url": url,
        "description": therapist.headline,
        "employee": {"@id": person_id},
    }
    addresses = [address_of(location) for location in therapist.locations.all()]
    if addresses:
        practice["address"] = addresses[0] if len(addresses) == 1 else addresses
    points = [
        geo_of(location)
        for location in therapist.locations.all()
        if shows_street(location)
    ]
    if len(addresses) == 1 and points:
        practice["geo"] = points[0]
    price_range = price_range_of(therapist)
    if price_range:
        practice["priceRange"] = price_range
    # The page lists reviews only when the stored totals count some; reading
    # the page of reviews otherwise would cost the query the page skips.
    if therapist.rating_count:
        practice["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(therapist.rating_average, 1),
            "reviewCount": therapist.rating_count,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
        }
        shown = [review_of(review) for review in list(reviews)[:REVIEWS_IN_GRAPH]]
        if shown:
            practice["review"] = shown

    person: dict[str, Any] = {
        "@type": "Person",
        "@id": person_id,
        "name": therapist.display_name,
        "jobTitle": "Massage therapist",
        "url": url,
        "worksFor": {"@id": practice_id},
    }
    known = [technique.name for technique in techniques]
    if known:
        person["knowsAbout"] = known
    credentials = [
        credential_of(credential)
        for credential in therapist.credentials.all()
        if shows_verified(credential)
    ]
    if credentials:
        person["hasCredential"] = credentials
    return {"@context": SCHEMA, "@graph": [practice, person]}


def shows_street(location: PracticeLocation) -> bool:
    """Whether the page shows this location's street (and so its point):
    PracticeLocation.public_address decides, never the street of a home-based
    practice."""
    street = location.street_address
    return bool(street) and location.public_address.startswith(f"{street}, ")


def address_of(location: PracticeLocation) -> dict:
    """The location's PostalAddress at the precision the page shows it."""
    address = {
        "@type": "PostalAddress",
        "addressLocality": location.city,
        "addressRegion": location.state,
        "addressCountry": location.country,
    }
    if shows_street(location):
        address["streetAddress"] = location.street_address
        address["postalCode"] = location.postal_code
    return address


def geo_of(location: PracticeLocation) -> dict:
    """The location's point (only ever asked for one whose street is public)."""
    return {
        "@type": "GeoCoordinates",
        "latitude": location.latitude,
        "longitude": location.longitude,
    }


def price_range_of(therapist: Therapist) -> str:
    """ "$80-$120" across the session lengths offered, "$95" for one, or ""."""
    prices = sorted({price.price for price in therapist.session_prices})
    if not prices:
        return ""
    if len(prices) == 1:
        return f"${prices[0]}"
    return f"${prices[0]}-${prices[-1]}"


def review_of(review: Review) -> dict:
    """One review as the page shows it: author name, date, stars, title, text."""
    return {
        "@type": "Review",
        "author": {"@type": "Person", "name": review.author_display_name},
        "datePublished": timezone.localdate(review.created_at).isoformat(),
        "name": review.title,
        "reviewBody": review.body,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": review.rating,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
        },
    }


def shows_verified(credential: Credential) -> bool:
    """Whether the page presents the credential as verified: staff verified it
    (its verification summary is shown) and no board roster says it lapsed or
    carries discipline that withholds it."""
    return bool(credential.verification_summary) and not (
        credential.board_withholds_badge
    )


def credential_of(credential: Credential) -> dict:
    """A verified credential: what it is, who issued it, where it is valid,
    until when, and how and when staff verified it."""
    data = {
        "@type": "EducationalOccupationalCredential",
        "name": credential.get_kind_display(),
        "credentialCategory": credential.get_kind_display(),
        "identifier": credential.number,
        "recognizedBy": {"@type": "Organization", "name": credential.issuer},
        "validIn": {"@type": "AdministrativeArea", "name": credential.jurisdiction},
        # No schema.org property says who checked a credential: the page's
        # own words ("Verified on March 3, 2026 by document review") do.
        "description": credential.verification_summary,
    }
    if credential.expires_on:
        data["expires"] = credential.expires_on.isoformat()
    return data
