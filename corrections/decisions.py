"""Every change to a report: a visitor files it (within the limits), staff
record an outcome (logged, and the therapist emailed when asked to fix
something)."""

import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.notifications import notify
from core.ratelimit import Limit
from corrections.models import Report, ReportEvent

security_log = logging.getLogger("security")

# Anyone may report, signed in or not: a few per address, and a cap per
# profile so that nobody floods one therapist's reports.
PER_IP = Limit("correction_report_ip", count=5, seconds=3600)
PER_PROFILE = Limit("correction_report_profile", count=20, seconds=24 * 3600)

OWN_PROFILE = (
    "This report is about your own profile: another member of staff decides on it."
)


def file_report(*, report: Report, ip: str) -> Report:
    """Save a visitor's report unless the address or the profile is over its
    limit (core.ratelimit.RateLimited, nothing saved)."""
    PER_IP.hit(ip)
    PER_PROFILE.hit(f"therapist:{report.therapist_id}")
    report.save()
    return report


def is_own(user: AbstractBaseUser, report: Report) -> bool:
    """Whether the report is about the staff member's own profile."""
    return report.therapist.user_id == user.pk


@transaction.atomic
def decide(
    *,
    report: Report,
    actor: AbstractBaseUser,
    outcome: str,
    note: str,
    dashboard_link: str,
) -> ReportEvent:
    """Record an outcome: the report is closed with it, the log gains a row,
    and a therapist asked to fix something is emailed (with the staff note and
    `dashboard_link`, never who reported it)."""
    report.outcome = outcome
    report.closed_at = timezone.now()
    report.save(update_fields=["outcome", "closed_at"])
    event = ReportEvent.objects.create(
        report=report, actor=actor, outcome=outcome, note=note
    )
    security_log.info(
        "correction report %s",
        outcome,
        extra={
            "event": f"correction_report_{outcome}",
            "report_id": report.pk,
            "therapist_id": report.therapist_id,
            "actor_id": actor.pk,
        },
    )
    if outcome == Report.Outcome.ASKED:
        user = report.therapist.user
        notify(
            subject="Please check your profile: something may be out of date",
            body=render_to_string(
                "corrections/email/asked_to_fix.txt",
                {"report": report, "user": user, "note": note, "link": dashboard_link},
            ),
            to=user.email,
        )
    return event
