"""Which US states license massage therapists.

Most states require a state licence to practise massage therapy. A few do not
regulate massage at state level (cities or counties may), and California offers a
voluntary state-recognised certification (CAMTC) instead of a licence. Where there
is no licence to check, certification by a reputable national body matters more.
"""

# States with no statewide licence for massage therapists.
UNREGULATED = {
    "KS": "Kansas",
    "MN": "Minnesota",
    "VT": "Vermont",
    "WY": "Wyoming",
}
# States where the state-recognised credential is a voluntary certification.
VOLUNTARY_CERTIFICATION = {"CA": "California Massage Therapy Council (CAMTC)"}


def licenses_massage(state: str) -> bool:
    """True when the state issues licences that our badge can rely on."""
    return (
        state.upper() not in UNREGULATED
        and state.upper() not in VOLUNTARY_CERTIFICATION
    )


def licence_note(state: str) -> str:
    """What a client should know about credentials in this state ("" when licensed)."""
    state = state.upper()
    if state in UNREGULATED:
        return (
            f"{UNREGULATED[state]} does not license massage therapists, so there is "
            "no state licence to check. Look for board certification (NCBTMB) or "
            "membership of a professional association instead."
        )
    if state in VOLUNTARY_CERTIFICATION:
        return (
            "California has no state licence; therapists may hold a voluntary "
            f"certification from the {VOLUNTARY_CERTIFICATION[state]}. Board "
            "certification (NCBTMB) counts for more here."
        )
    return ""


def licence_notes(states) -> list[str]:
    """The notes for every state a therapist practises in, alphabetically."""
    return [note for state in sorted(set(states)) if (note := licence_note(state))]
