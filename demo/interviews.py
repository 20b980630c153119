"""Plausible requests to ask before booking for the demo therapists, so that
the profile and the comparison show how quickly some of them answer
(interviews.responsiveness): about two in five therapists have 3 to 7
requests from distinct demo clients over the last four months (some before the
90-day window), most answered within hours, some after days, a few not yet.
Each therapist's from its own generator, so the rest of the demo data is
unchanged. The requests carry no health notes.
"""

import datetime
import random

from interviews.models import InterviewRequest

PAINS = (
    ("Low back, worse after sitting", "Since the spring"),
    ("Between the shoulder blades", "About six weeks"),
    ("Lower back and down the left leg", "Since last year"),
    ("Right side of the lower back", "A few months"),
    ("Neck and upper back", "Since I started a desk job"),
)
TRIED = (
    "Stretching videos and a heating pad.",
    "Physical therapy last year; it helped for a while.",
    "Over-the-counter painkillers and rest.",
    "",
)
QUESTIONS_ANSWERED = (
    "Thank you for the details. I work with this often; happy to talk it over.",
    "I would start gently and check in with you as we go.",
    "This sounds like something to check with your doctor first; then I can help.",
)
ANSWERED_SHARE = 0.85
ACCEPTED_SHARE = 0.75


def demo_requests(
    therapist_id: int,
    client_ids: list[int],
    now: datetime.datetime,
    seed: str,
) -> list[InterviewRequest]:
    """One therapist's demo requests (none for about three in five)."""
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data
    if rng.random() >= 0.4 or len(client_ids) < 7:
        return []
    requests = []
    for client_id in rng.sample(client_ids, rng.randint(3, 7)):
        created = now - datetime.timedelta(days=rng.uniform(0.5, 120))
        where, since = rng.choice(PAINS)
        request = InterviewRequest(
            therapist_id=therapist_id,
            client_id=client_id,
            pain_where=where,
            pain_since=since,
            past_treatments=rng.choice(TRIED),
            contact_method=InterviewRequest.Contact.EMAIL,
            created_at=created,
            status=InterviewRequest.Status.OPEN,
        )
        if rng.random() < ANSWERED_SHARE:
            # Mostly within hours, sometimes days: a long-tailed wait.
            hours = min(rng.lognormvariate(1.6, 1.1), 24 * 6)
            answered = created + datetime.timedelta(hours=hours)
            if answered < now:
                request.answered_at = answered
                request.therapist_read_at = answered
                request.status = (
                    InterviewRequest.Status.ACCEPTED
                    if rng.random() < ACCEPTED_SHARE
                    else InterviewRequest.Status.DECLINED
                )
                request.therapist_message = rng.choice(QUESTIONS_ANSWERED)
        requests.append(request)
    return requests
