"""Comfort and consent (issue 16, item 4): the one home of its words and codes.

What a therapist states about how a session feels and what the client controls:
the range of pressure they offer (gentle to deep, two small integers on the
therapist), the options held as bits in Therapist.comfort_bits (clothed massage,
over-the-sheet work, a companion welcome, the stop statement) and a draping
policy in their own words. An unticked option is "not stated", never "no"; the
stop statement is the therapist's commitment, which we cannot check.

Bits are stored: never renumber an option, only add new ones with new bits.
"""

from dataclasses import dataclass

from therapists.bitsets import CodedBits

# The pressure scale, lightest first (stored as these integers).
GENTLE, LIGHT, MODERATE, FIRM, DEEP = 1, 2, 3, 4, 5
PRESSURE_CHOICES: list[tuple[int, str]] = [
    (GENTLE, "Gentle"),
    (LIGHT, "Light"),
    (MODERATE, "Moderate"),
    (FIRM, "Firm"),
    (DEEP, "Deep"),
]
PRESSURE_WORDS = dict(PRESSURE_CHOICES)

# The `gentle=on` search parameter: the chip, the card and the suggestion.
GENTLE_LABEL = "Gentle pressure offered"
GENTLE_CARD_WORDS = "Gentle pressure"

# What the therapist affirms they tell every client.
STOP_STATEMENT = "Tell me to stop or change anything at any time, and I will."

DRAPING_MAX_LENGTH = 600
# Offered in the form's help text only: never stored for a therapist who did
# not write or accept it.
DRAPING_SUGGESTION = (
    "You undress only as far as you are comfortable. You are covered by a sheet "
    "at all times, and I uncover only the area I am working on, with your "
    "agreement. I leave the room while you undress and dress."
)


@dataclass(frozen=True)
class ComfortOption:
    code: str
    label: str
    description: str
    bit: int


CLOTHED = ComfortOption(
    "clothed",
    "Clothed massage offered",
    "You can stay fully clothed: the therapist works through loose clothing.",
    1 << 0,
)
OVER_THE_SHEET = ComfortOption(
    "over-the-sheet",
    "Over-the-sheet work offered",
    "The therapist can work through the sheet or a towel instead of on the skin.",
    1 << 1,
)
COMPANION = ComfortOption(
    "companion",
    "A companion is welcome in the room",
    "You can bring someone you trust into the treatment room.",
    1 << 2,
)
STOP = ComfortOption(
    "stop-statement",
    "Says you can stop or change anything at any time",
    f"The therapist tells every client: “{STOP_STATEMENT}”",
    1 << 3,
)

OPTIONS: tuple[ComfortOption, ...] = (CLOTHED, OVER_THE_SHEET, COMPANION, STOP)
COMFORT = CodedBits(OPTIONS)
BY_CODE, ALL_BITS = COMFORT.by_code, COMFORT.all_bits
mask_of, codes_of = COMFORT.mask_of, COMFORT.codes_of


def pressure_range_words(lightest: int | None, firmest: int | None) -> str:
    """ "Gentle to firm", "Moderate only", or "" when not stated."""
    if lightest is None or firmest is None:
        return ""
    if lightest == firmest:
        return f"{PRESSURE_WORDS[lightest]} only"
    return f"{PRESSURE_WORDS[lightest]} to {PRESSURE_WORDS[firmest].lower()}"


@dataclass(frozen=True)
class Comfort:
    """What a therapist states about comfort and consent."""

    bits: int
    lightest: int | None
    firmest: int | None
    draping_policy: str = ""

    @property
    def pressure_words(self) -> str:
        """ "Gentle to firm", or "" when not stated."""
        return pressure_range_words(self.lightest, self.firmest)

    @property
    def offers_gentle(self) -> bool:
        return self.lightest == GENTLE

    @property
    def clothed(self) -> bool:
        return bool(self.bits & CLOTHED.bit)

    @property
    def over_the_sheet(self) -> bool:
        return bool(self.bits & OVER_THE_SHEET.bit)

    @property
    def companion(self) -> bool:
        return bool(self.bits & COMPANION.bit)

    @property
    def stop_statement(self) -> bool:
        return bool(self.bits & STOP.bit)

    @property
    def stop_words(self) -> str:
        """The statement the therapist affirms they tell every client."""
        return STOP_STATEMENT

    @property
    def draping_words(self) -> str:
        """ "Clothed or over the sheet", "Clothed", "" (not stated)."""
        offered = [
            words
            for held, words in (
                (self.clothed, "clothed"),
                (self.over_the_sheet, "over the sheet"),
            )
            if held
        ]
        return " or ".join(offered).capitalize()

    @property
    def stated(self) -> list[ComfortOption]:
        return [option for option in OPTIONS if self.bits & option.bit]

    @property
    def anything_stated(self) -> bool:
        return bool(self.bits or self.lightest or self.draping_policy)


def comfort_of(therapist) -> Comfort:
    """The therapist's comfort and consent statements."""
    return Comfort(
        bits=therapist.comfort_bits,
        lightest=therapist.pressure_lightest,
        firmest=therapist.pressure_firmest,
        draping_policy=therapist.draping_policy,
    )
