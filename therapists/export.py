"""A therapist's own profile as plain data, for their data export."""

from therapists import accessibility
from therapists.models import Therapist


def profile_data(therapist: Therapist) -> dict:
    """The profile, its techniques, conditions, languages and locations
    (loaded with_treatments())."""
    return {
        "display_name": therapist.display_name,
        "slug": therapist.slug,
        "pronouns": therapist.pronouns,
        "gender": therapist.gender,
        "headline": therapist.headline,
        "bio": therapist.bio,
        "years_in_practice": therapist.years_in_practice,
        "back_pain_years": therapist.back_pain_years,
        "back_pain_caseload_percent": therapist.back_pain_caseload_percent,
        "sessions_before_reassessing": therapist.sessions_before_reassessing,
        "session_price": therapist.session_price,
        "accepting_new_clients": therapist.accepting_new_clients,
        "details_confirmed_on": therapist.details_confirmed_on,
        "offers_mobile_visits": therapist.offers_mobile_visits,
        # The accessibility items stated to hold (unlisted ones: not stated),
        # with the HSDS-style wording a directory export would use.
        "accessibility": [
            {
                "code": code,
                "label": accessibility.BY_CODE[code].label,
                "hsds_description": accessibility.BY_CODE[code].hsds,
            }
            for code in therapist.access_codes
        ],
        "client_contact": therapist.client_contact,
        "contact_phone": therapist.contact_phone,
        "booking_url": therapist.booking_url,
        "is_published": therapist.is_published,
        "photo": therapist.photo.name or None,
        "languages": [language.code for language in therapist.languages.all()],
        "conditions": [condition.name for condition in therapist.conditions.all()],
        "techniques": [
            {"technique": link.technique.name, "years": link.years}
            for link in therapist.technique_links.all()
        ],
        "locations": [
            {
                "name": location.name,
                "street_address": location.street_address,
                "city": location.city,
                "state": location.state,
                "postal_code": location.postal_code,
                "is_home_based": location.is_home_based,
            }
            for location in therapist.locations.all()
        ],
    }
