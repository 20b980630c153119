"""Accessibility as a checklist (issue 16, item 3): the one home for its items.

Each item has a stable code (the `access` search parameter's values, the data
export's keys), a label, a plain description for clients, an HSDS-style
sentence for a later export to HSDS/FHIR directories, and a bit in
Therapist.access_bits. A therapist ticks the items that hold; an unticked item
is "not stated", never "no": the profile and comparison say so.

Bits are stored: never renumber an item, only add new ones with new bits
(therapists/migrations/0015_accessibility.py freezes the first two).
"""

from dataclasses import dataclass

from therapists.bitsets import CodedBits


@dataclass(frozen=True)
class AccessItem:
    code: str
    label: str
    description: str
    # Wording in the style of HSDS `accessibility.description` (one sentence
    # about the place), for a later HSDS/FHIR export.
    hsds: str
    bit: int


ITEMS: tuple[AccessItem, ...] = (
    AccessItem(
        "step-free",
        "Step-free entrance",
        "You can get in without steps: level, ramped or with a lift.",
        "Step-free entrance (level access, ramp or lift).",
        1 << 0,
    ),
    AccessItem(
        "ground-floor-or-lift",
        "Ground floor or lift",
        "The treatment room is on the ground floor or reachable by lift.",
        "Treatment room on the ground floor or reachable by elevator.",
        1 << 1,
    ),
    AccessItem(
        "parking",
        "Parking within 50 m",
        "There is parking within about 50 metres (55 yards) of the entrance.",
        "Parking available within 50 metres of the entrance.",
        1 << 2,
    ),
    AccessItem(
        "transit",
        "Near public transit",
        "A bus, tram or train stop is a short walk away.",
        "Within a short walk of public transit.",
        1 << 3,
    ),
    AccessItem(
        "adjustable-table",
        "Height-adjustable table",
        "The table can be lowered so you can get on and off it more easily.",
        "Height-adjustable treatment table.",
        1 << 4,
    ),
    AccessItem(
        "side-lying-seated",
        "Side-lying or seated positions",
        "You can be treated lying on your side or sitting, if lying face down is hard.",
        "Treatment offered side-lying or seated.",
        1 << 5,
    ),
    AccessItem(
        "accessible-restroom",
        "Accessible restroom",
        "There is a restroom with room for a wheelchair and grab bars.",
        "Wheelchair-accessible restroom on site.",
        1 << 6,
    ),
    AccessItem(
        "scent-free",
        "Scent-free room",
        "No scented oils, candles or air fresheners unless you ask for them.",
        "Scent-free treatment room.",
        1 << 7,
    ),
    AccessItem(
        "service-animals",
        "Service animals welcome",
        "You can bring your service animal.",
        "Service animals welcome.",
        1 << 8,
    ),
)

CHECKLIST = CodedBits(ITEMS)
BY_CODE, CHOICES, ALL_BITS = CHECKLIST.by_code, CHECKLIST.choices, CHECKLIST.all_bits
mask_of, codes_of = CHECKLIST.mask_of, CHECKLIST.codes_of
# What `?accessible=on` (the old wheelchair flag's parameter) still means.
STEP_FREE = BY_CODE["step-free"]


@dataclass(frozen=True)
class Checklist:
    """A therapist's checklist: the items stated to hold, and the rest."""

    bits: int

    @property
    def stated(self) -> list[AccessItem]:
        return [item for item in ITEMS if self.bits & item.bit]

    @property
    def not_stated(self) -> list[AccessItem]:
        return [item for item in ITEMS if not self.bits & item.bit]

    @property
    def not_stated_words(self) -> str:
        """ "parking within 50 m, accessible restroom and scent-free room"."""
        words = [item.label[0].lower() + item.label[1:] for item in self.not_stated]
        if len(words) < 2:
            return "".join(words)
        return f"{', '.join(words[:-1])} and {words[-1]}"


def checklist(bits: int) -> Checklist:
    """Every item, split into those the therapist stated hold and the rest."""
    return Checklist(bits)
