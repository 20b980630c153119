"""The red-flag screen a client answers before asking a therapist anything.

Back pain with any of these symptoms needs a doctor (or an emergency department)
before massage. The answers are never stored, logged or sent: they only decide
what the client sees next. A clean screen is carried from the screen's page to
the request form as a signed token that names no answer, and that is valid for
one client, one therapist and SCREEN_VALID_FOR seconds.

Sources: NICE NG59 and its red flags (cauda equina syndrome, infection,
cancer, fracture); NHS "Back pain" and "Cauda equina syndrome"; ACP 2017.
"""

from dataclasses import dataclass

from django.core import signing

SCREEN_VALID_FOR = 60 * 60  # an hour: long enough to write the request
SALT = "interviews.safety-screen"
CLEAR = "clear"


class Urgency:
    EMERGENCY = "emergency"  # call 911 or go to the emergency department now
    DOCTOR = "doctor"  # see a doctor first, within a few days


@dataclass(frozen=True)
class RedFlag:
    name: str
    question: str  # what the screen asks
    summary: str  # what the stop page says the client answered yes to
    urgency: str
    advice: str = ""  # anything this flag adds to its urgency's advice


RED_FLAGS = (
    RedFlag(
        "bladder_bowel",
        "Since your back pain began, have you lost any control of your bladder "
        "or bowels, or found it hard to pee?",
        "loss of bladder or bowel control",
        Urgency.EMERGENCY,
    ),
    RedFlag(
        "saddle_numbness",
        "Is there numbness or tingling around your bottom, your genitals or "
        "your inner thighs (the area a saddle would touch)?",
        "numbness in the saddle area",
        Urgency.EMERGENCY,
    ),
    RedFlag(
        "leg_weakness",
        "Is weakness in one or both of your legs getting worse?",
        "leg weakness that is getting worse",
        Urgency.EMERGENCY,
    ),
    RedFlag(
        "fever",
        "Do you have a fever, or feel hot and shivery, as well as the back pain?",
        "a fever with back pain",
        Urgency.DOCTOR,
        "With a high temperature, or if you feel very unwell, get seen today.",
    ),
    RedFlag(
        "weight_loss_or_cancer",
        "Have you lost weight without trying, or have you ever had cancer?",
        "weight loss you cannot explain, or a history of cancer",
        Urgency.DOCTOR,
    ),
    RedFlag(
        "serious_injury",
        "Did the pain start after a serious fall or accident, such as a car crash?",
        "pain after a serious fall or accident",
        Urgency.DOCTOR,
        "If the fall or accident was recent, get checked today at an urgent "
        "care clinic or an emergency department.",
    ),
    RedFlag(
        "night_pain",
        "Is the pain severe at night, or does it not ease at all when you lie still?",
        "severe pain at night",
        Urgency.DOCTOR,
    ),
)


def flags_answered_yes(answers: dict[str, str]) -> list[RedFlag]:
    """The red flags answered "yes", in the screen's order."""
    return [flag for flag in RED_FLAGS if answers.get(flag.name) == "yes"]


def urgency_of(flags: list[RedFlag]) -> str:
    """The most urgent advice the flags call for."""
    if any(flag.urgency == Urgency.EMERGENCY for flag in flags):
        return Urgency.EMERGENCY
    return Urgency.DOCTOR


def _signer(client, therapist) -> signing.TimestampSigner:
    # Bound to one client and one therapist through the salt, so the token
    # itself names neither.
    return signing.TimestampSigner(salt=f"{SALT}:{client.pk}:{therapist.pk}")


def clear_screen_token(*, client, therapist) -> str:
    """A token saying this client answered "no" to every red flag just now."""
    return _signer(client, therapist).sign(CLEAR)


def is_clear_screen_token(token: str, *, client, therapist) -> bool:
    """Whether the token is one of clear_screen_token()'s, for this client and
    therapist, less than SCREEN_VALID_FOR seconds old."""
    try:
        value = _signer(client, therapist).unsign(token, max_age=SCREEN_VALID_FOR)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return value == CLEAR
