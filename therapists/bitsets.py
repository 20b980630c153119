"""Lists of coded items stored as bits on the therapist: the accessibility
checklist, the ways to pay, the kinds of weekly hours, the comfort options.

Each item has a stable `code` (a search parameter's value, an export's key), a
`label` and a `bit`; a therapist's column holds the bits of the items that hold,
and an unset bit is "not stated". CodedBits turns codes into bits and back, in
the list's order; the search asks for every item of a mask at once
(TherapistQuerySet.holding()).

Bits are stored: never renumber an item, only add new ones with new bits.
"""

from collections.abc import Iterable, Sequence
from typing import Protocol


class Coded(Protocol):
    code: str
    label: str
    bit: int


class CodedBits[Item: Coded]:
    """An ordered list of coded items and the bits they stand for."""

    def __init__(self, items: Sequence[Item]):
        self.items: tuple[Item, ...] = tuple(items)
        self.by_code: dict[str, Item] = {item.code: item for item in self.items}
        self.choices: list[tuple[str, str]] = [
            (item.code, item.label) for item in self.items
        ]
        self.all_bits: int = sum(item.bit for item in self.items)
        if len(self.by_code) != len(self.items):
            raise ValueError("Two items share a code.")
        bits = [item.bit for item in self.items]
        if len(set(bits)) != len(bits) or any(b <= 0 or b & (b - 1) for b in bits):
            raise ValueError("Each item needs a bit of its own.")

    def mask_of(self, codes: Iterable[str]) -> int:
        """The bits of these codes (unknown codes raise KeyError: validate first)."""
        mask = 0
        for code in codes:
            mask |= self.by_code[code].bit
        return mask

    def codes_of(self, bits: int) -> list[str]:
        """The codes whose bits are set, in the list's order."""
        return [item.code for item in self.items if bits & item.bit]

    def items_of(self, bits: int) -> list[Item]:
        """The items whose bits are set, in the list's order."""
        return [item for item in self.items if bits & item.bit]
