"""A therapist's own profile as plain data, for their data export."""

from therapists import accessibility, comfort
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
        # Every session length offered, the assessment, packages, sliding
        # scale and cancellation policy (therapists.pricing).
        "session_prices": [
            {"minutes": price.minutes, "price_usd": price.price}
            for price in therapist.session_prices
        ],
        "assessment": {
            "minutes": therapist.assessment_minutes,
            "price_usd": therapist.assessment_price,
        }
        if therapist.assessment_minutes
        else None,
        "packages": [
            {
                "sessions": package.sessions,
                "minutes": package.minutes,
                "price_usd": package.price,
            }
            for package in therapist.packages.all()
        ],
        "sliding_scale": therapist.sliding_scale,
        "sliding_scale_note": therapist.sliding_scale_note,
        "cancellation_notice_hours": therapist.cancellation_notice_hours,
        "cancellation_fee_usd": therapist.cancellation_fee,
        # Ways to pay stated (therapists.payment codes; unlisted: not stated)
        # and the insurance plans accepted, with when each was confirmed.
        "payment": therapist.payment_codes,
        "insurance_plans": [
            {"plan": accepted.plan.name, "confirmed_on": accepted.confirmed_on}
            for accepted in therapist.accepted_plans.select_related("plan")
        ],
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
        # Comfort and consent (therapists.comfort): the pressure range by its
        # words, the options stated (unlisted ones: not stated) by code.
        "pressure_lightest": comfort.PRESSURE_WORDS.get(therapist.pressure_lightest),
        "pressure_firmest": comfort.PRESSURE_WORDS.get(therapist.pressure_firmest),
        "comfort_and_consent": comfort.codes_of(therapist.comfort_bits),
        "draping_policy": therapist.draping_policy,
        # Weekly hours in the therapist's local time, and the next opening
        # with the day they confirmed it (therapists.availability).
        "weekly_hours": [
            {
                "day": hours.get_weekday_display(),
                "opens": hours.opens.strftime("%H:%M"),
                "closes": hours.closes.strftime("%H:%M"),
            }
            for hours in therapist.opening_hours.all()
        ],
        "next_opening_on": therapist.next_opening_on,
        "next_opening_confirmed_on": therapist.next_opening_confirmed_on,
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
