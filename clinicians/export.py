"""A clinician's own details as plain data, for their data export."""


def clinician_data(clinician) -> dict:
    """What the clinician told us about themself, and their verified date."""
    return {
        "display_name": clinician.display_name,
        "profession": clinician.profession,
        "practice_name": clinician.practice_name,
        "city": clinician.city,
        "state": clinician.state,
        "created_at": clinician.created_at,
        "licence_verified_until": clinician.verified_until,
    }
