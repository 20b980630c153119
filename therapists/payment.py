"""Ways to pay (issue 16, item 2): the one home of the payment items.

Each item has a stable code (the `payment` search parameter's values, the data
export's keys), a label, and the words that tell a client what to check: we
never know what a plan or a claim covers, so nothing here promises coverage.
Each has a bit in Therapist.payment_bits. The therapist ticks the items that
hold, except `insurance`, which is derived: at least one accepted plan
(therapists.changes.plans_changed()). An unticked item is "not stated".

Bits are stored: never renumber an item, only add new ones with new bits.
"""

from dataclasses import dataclass

from therapists.bitsets import CodedBits


@dataclass(frozen=True)
class PaymentItem:
    code: str
    label: str
    # What the client should check before relying on it.
    check: str
    bit: int


ITEMS: tuple[PaymentItem, ...] = (
    PaymentItem(
        "hsa-fsa",
        "Itemised receipt for HSA/FSA",
        "Many plans need a letter of medical necessity; ask your plan "
        "administrator before you pay.",
        1 << 0,
    ),
    PaymentItem(
        "superbill",
        "Superbill on request",
        "A superbill with the therapist's licence number and treatment codes, "
        "to send to your plan yourself. Ask your plan whether it reimburses "
        "massage by a licensed therapist.",
        1 << 1,
    ),
    PaymentItem(
        "insurance",
        "Insurance plans",
        "Ask your plan whether massage by a licensed therapist is covered and "
        "whether you need a referral.",
        1 << 2,
    ),
    PaymentItem(
        "workers-comp",
        "Workers' compensation claims",
        "Where your state and claim allow; check with your adjuster.",
        1 << 3,
    ),
    PaymentItem(
        "auto-injury",
        "Auto-injury claims",
        "Where your state and claim allow; check with your adjuster.",
        1 << 4,
    ),
)

WAYS = CodedBits(ITEMS)
BY_CODE, CHOICES, ALL_BITS = WAYS.by_code, WAYS.choices, WAYS.all_bits
mask_of, codes_of, stated = WAYS.mask_of, WAYS.codes_of, WAYS.items_of
INSURANCE = BY_CODE["insurance"]
# What the therapist ticks themself: insurance follows their accepted plans.
TICKED_CHOICES: list[tuple[str, str]] = [
    (item.code, item.label) for item in ITEMS if item is not INSURANCE
]
TICKED_BITS = sum(item.bit for item in ITEMS if item is not INSURANCE)
# A plan confirmed longer ago than this shows as such.
PLAN_STALE_DAYS = 365
