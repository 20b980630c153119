"""Plausible prices and ways to pay for the demo therapists: every one keeps
its 60-minute price; most also offer 90 minutes, some 30, 45 or 75, priced
near the 60-minute rate; one in five a first-visit assessment, one in four a
package; about one in six a sliding scale; most state a cancellation policy.
About a third tick HSA/FSA receipts, a quarter superbills, one in ten workers'
compensation or auto-injury claims, one in five accept one to three insurance
plans (the `insurance` bit set to match, as therapists.changes.plans_changed
would). Each therapist's from its own generator, so the rest of the demo
stays as it was.
"""

import datetime
import random
from dataclasses import dataclass, field

from therapists import payment

SLIDING_NOTES = (
    "Pay what you can from $50; no proof of income asked.",
    "Reduced rates for students, seniors and anyone between jobs: just ask.",
    "",
)


@dataclass
class DemoCharges:
    # Therapist columns.
    fields: dict
    # (sessions, minutes, price) of each package.
    packages: list[tuple[int, int, int]] = field(default_factory=list)
    # (plan id, confirmed on) of each plan accepted.
    plans: list[tuple[int, datetime.date]] = field(default_factory=list)


def _near(rng: random.Random, price: float) -> int:
    return max(20, int(round(price / 5) * 5) + rng.choice((-5, 0, 0, 5)))


def demo_charges(
    seed: str, price_60: int, plan_ids: list[int], today: datetime.date
) -> DemoCharges:
    """One therapist's prices beyond the 60-minute one, and ways to pay."""
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data
    fields = {
        "price_30": _near(rng, price_60 * 0.6) if rng.random() < 0.25 else None,
        "price_45": _near(rng, price_60 * 0.8) if rng.random() < 0.3 else None,
        "price_75": _near(rng, price_60 * 1.25) if rng.random() < 0.2 else None,
        "price_90": _near(rng, price_60 * 1.45) if rng.random() < 0.65 else None,
        "assessment_minutes": None,
        "assessment_price": None,
        "sliding_scale": rng.random() < 0.17,
        "sliding_scale_note": "",
        "cancellation_notice_hours": None,
        "cancellation_fee": None,
    }
    if rng.random() < 0.2:
        fields["assessment_minutes"] = rng.choice((60, 75, 90))
        fields["assessment_price"] = _near(rng, price_60 * 1.2)
    if fields["sliding_scale"]:
        fields["sliding_scale_note"] = rng.choice(SLIDING_NOTES)
    if rng.random() < 0.75:
        fields["cancellation_notice_hours"] = rng.choice((12, 24, 24, 24, 48))
        if rng.random() < 0.6:
            fields["cancellation_fee"] = _near(rng, price_60 * 0.5)
    packages = []
    if rng.random() < 0.25:
        for sessions in sorted(rng.sample((3, 5, 10), rng.randint(1, 2))):
            discount = 0.95 if sessions < 5 else 0.9
            packages.append((sessions, 60, int(price_60 * sessions * discount)))
    ticked = [
        code
        for code, share in (
            ("hsa-fsa", 0.33),
            ("superbill", 0.25),
            ("workers-comp", 0.1),
            ("auto-injury", 0.1),
        )
        if rng.random() < share
    ]
    plans = []
    if plan_ids and rng.random() < 0.2:
        for plan_id in sorted(
            rng.sample(plan_ids, rng.randint(1, min(3, len(plan_ids))))
        ):
            # About one in six confirmed over a year ago.
            plans.append(
                (plan_id, today - datetime.timedelta(days=rng.randint(0, 440)))
            )
        ticked.append(payment.INSURANCE.code)
    fields["payment_bits"] = payment.mask_of(ticked)
    return DemoCharges(fields, packages, plans)
