"""Decide whether a client review is published at once or held for staff.

Pure Python on purpose: the review form, the admin and any import script can
all ask the same question without a database, and tests run in milliseconds.

The decision reads only the review's words and the author's recent activity.
Star ratings and "would recommend" are deliberately never consulted: holding
critical reviews (or waving through glowing ones) would bias the published
ratings that clients rely on to choose a therapist.
"""

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewDraft:
    title: str
    body: str
    rating: int  # 1-5 overall
    aspect_ratings: tuple[int, ...]  # e.g. pain relief, communication, ... each 1-5
    would_recommend: bool


@dataclass(frozen=True)
class Context:
    reviews_by_author_last_hour: int
    reviews_by_author_last_day: int
    other_review_texts: tuple[str, ...]  # bodies of other recent reviews, any author


# More than this many reviews from one account in the window holds the review.
BURST_PER_HOUR = 3
BURST_PER_DAY = 8

# Spam, marketing and sexual-services terms that have no place in a review of
# back-pain treatment. Matched as whole words or phrases, case-insensitively.
BLOCKLIST: frozenset[str] = frozenset(
    {
        "bitcoin",
        "casino",
        "cialis",
        "crypto",
        "escort",
        "happy ending",
        "onlyfans",
        "payday loan",
        "viagra",
    }
)

# Below this many words a body is too short to call a copy: "Great massage,
# thank you" is written independently by many happy clients.
MIN_WORDS_TO_COMPARE = 12
SHINGLE_SIZE = 5
SIMILARITY_THRESHOLD = 0.8

_SCHEME_OR_WWW = re.compile(r"\bhttps?://|\bwww\.", re.IGNORECASE)
# Bare domains are only recognised for common or shortener TLDs, so that a
# missing space after a full stop ("great.Highly") or "3.5 stars" is not a link.
_BARE_DOMAIN = re.compile(
    r"(?<![\w.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|net|org|info|biz|io|co|ly|gl|gg|us|uk|ca|app|xyz|site|online|shop"
    r"|store|link|club)(?![^\W_])",
    re.IGNORECASE,
)
# The look-behind starts a match only where a run of address characters
# starts; without it a long run of letters costs quadratic time.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A North American number: ten digits, optionally led by +1, grouped by spaces,
# dots or hyphens. Requiring all ten digits keeps "3 sessions", "2019", "$120"
# and "4/5" out, and the digit look-arounds stop it firing inside longer numbers.
# Area code and exchange never start with 0 or 1, which spares "100 100 1000".
_PHONE = re.compile(
    r"(?<![0-9])(?:\+?1[ .-]?)?(?:\([2-9][0-9]{2}\)|[2-9][0-9]{2})[ .-]?"
    r"[2-9][0-9]{2}[ .-]?[0-9]{4}(?![0-9])"
)
_SEPARATOR = r"[\W_]"
_NON_WORD = re.compile(r"[\W_]+")


def _blocklist_pattern(term: str) -> re.Pattern[str]:
    # Accept the term as written (plus a plural "s") or spelled out with a
    # separator between every letter ("v.i.a.g.r.a", "e s c o r t"). Not a
    # separator between *some* letters: that would hold "casi no" or "for ex-".
    words = term.split()
    plain = f"{_SEPARATOR}*".join(map(re.escape, words)) + "s?"
    spaced = f"{_SEPARATOR}{{1,3}}".join(re.escape(c) for c in "".join(words))
    return re.compile(rf"(?<![^\W_])(?:{plain}|{spaced})(?![^\W_])")


_BLOCKLIST_PATTERNS = {term: _blocklist_pattern(term) for term in sorted(BLOCKLIST)}


def _fold(text: str) -> str:
    # NFKC turns full-width and stylised letters and digits ("ｖｉａｇｒａ",
    # "２１２") into plain ones; casefold is a stronger lower().
    return unicodedata.normalize("NFKC", text).casefold()


def _words(text: str) -> list[str]:
    return _NON_WORD.sub(" ", _fold(text)).split()


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {
        tuple(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1)
    }


def _is_copy(body: str, others: tuple[str, ...]) -> bool:
    words = _words(body)
    if len(words) < MIN_WORDS_TO_COMPARE:
        return False
    shingles = _shingles(words)
    for other in others:
        other_words = _words(other)
        if other_words == words:
            return True
        other_shingles = _shingles(other_words)
        union = shingles | other_shingles
        if union and len(shingles & other_shingles) / len(union) >= (
            SIMILARITY_THRESHOLD
        ):
            return True
    return False


def _has_link(text: str) -> bool:
    # An email address contains a domain; report it once, as an email.
    text = _EMAIL.sub(" ", text)
    return bool(_SCHEME_OR_WWW.search(text) or _BARE_DOMAIN.search(text))


def _blocked_terms(text: str) -> list[str]:
    return [term for term, found in _BLOCKLIST_PATTERNS.items() if found.search(text)]


@dataclass(frozen=True)
class Assessment:
    """What a draft's text says, worked out before the write takes its lock
    (reviews.writing); the author's counts, read inside it, complete it."""

    found_in_text: tuple[str, ...]
    is_copy: bool

    def reasons(self, last_hour: int, last_day: int) -> list[str]:
        """The hold reasons, in hold_reasons()'s order, given how many reviews
        the author posted in the last hour and the last day."""
        reasons = list(self.found_in_text)
        if last_hour > BURST_PER_HOUR:
            reasons.append(
                f"This account posted {last_hour} reviews "
                f"in the last hour (more than {BURST_PER_HOUR})."
            )
        elif last_day > BURST_PER_DAY:
            reasons.append(
                f"This account posted {last_day} reviews "
                f"in the last day (more than {BURST_PER_DAY})."
            )
        if self.is_copy:
            reasons.append("Repeats the text of another recent review.")
        return reasons


def assess(draft: ReviewDraft, other_review_texts: tuple[str, ...]) -> Assessment:
    """Everything hold_reasons() checks except the author's counts."""
    # Title and body are checked apart so that digits ending the title and
    # digits starting the body never join into one "phone number".
    texts = [_fold(draft.title), _fold(draft.body)]
    found: list[str] = []
    if any(_has_link(text) for text in texts):
        found.append("Contains a link.")
    if any(_PHONE.search(text) for text in texts):
        found.append("Contains a phone number.")
    if any(_EMAIL.search(text) for text in texts):
        found.append("Contains an email address.")
    blocked = sorted({term for text in texts for term in _blocked_terms(text)})
    if blocked:
        found.append(f"Contains blocked words: {', '.join(blocked)}.")
    return Assessment(tuple(found), _is_copy(draft.body, other_review_texts))


def hold_reasons(draft: ReviewDraft, context: Context) -> list[str]:
    """Human-readable reasons to hold the review for staff; empty means publish."""
    return assess(draft, context.other_review_texts).reasons(
        context.reviews_by_author_last_hour, context.reviews_by_author_last_day
    )
