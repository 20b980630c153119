import unicodedata
from dataclasses import replace

import pytest
from hypothesis import assume, find, given, settings
from hypothesis import strategies as st

from reviews.moderation import (
    BLOCKLIST,
    BURST_PER_DAY,
    BURST_PER_HOUR,
    Context,
    ReviewDraft,
    assess,
    hold_reasons,
)

# Same examples on every run and machine, no saved-example database, and no
# per-example deadline so a slow CI runner cannot turn green into red.
DETERMINISTIC = settings(
    max_examples=150, derandomize=True, database=None, deadline=None
)

LONG_REVIEW = (
    "After three months of lower back pain Dana found the tight muscle on the "
    "first visit and showed me stretches that I still do every single morning"
)


def make_draft(**overrides) -> ReviewDraft:
    fields = {
        "title": "Helped my back",
        "body": "Calm, careful and clear about what she was doing.",
        "rating": 5,
        "aspect_ratings": (5, 5, 5, 5),
        "would_recommend": True,
    }
    return ReviewDraft(**(fields | overrides))


def make_context(**overrides) -> Context:
    fields = {
        "reviews_by_author_last_hour": 1,
        "reviews_by_author_last_day": 1,
        "other_review_texts": (),
    }
    return Context(**(fields | overrides))


def reasons_for_body(body: str, **context) -> list[str]:
    return hold_reasons(make_draft(body=body), make_context(**context))


def test_ordinary_review_is_published():
    assert hold_reasons(make_draft(), make_context()) == []


@pytest.mark.parametrize(
    "body",
    [
        "Book direct at https://example.com/offer",
        "See http://dana-massage.test",
        "Prices on www.cheapmassage.net",
        "Visit example.com today",
        "Discount via bit.ly/x",
        "More at goo.gl/abc123",
        "Find her at Dana.Massage.COM.",
    ],
)
def test_link_holds_review(body):
    assert reasons_for_body(body) == ["Contains a link."]


@pytest.mark.parametrize(
    "body",
    [
        "I give her 3.5 stars, e.g. for the lower back work.",
        "Great session.Highly recommend her.",
        "Dr. Smith referred me for a 9 a.m. appointment.",
    ],
)
def test_text_that_only_looks_like_a_link_is_published(body):
    assert reasons_for_body(body) == []


@pytest.mark.parametrize(
    "body",
    [
        "Call (212) 555-0123",
        "Call 212-555-0123",
        "Call 212.555.0123",
        "Call +1 212 555 0123",
        "Call 2125550123",
        "Call 1-800-555-0123",
        "Call (212)555-0123 now",
    ],
)
def test_phone_number_holds_review(body):
    assert reasons_for_body(body) == ["Contains a phone number."]


@pytest.mark.parametrize(
    "body",
    [
        "After 3 sessions my back felt better.",
        "Each visit was 60 minutes.",
        "I have been going since 2019.",
        "It cost $120 per session.",
        "Communication 4/5, technique 5/5.",
        "3 sessions of 60 minutes for $120 since 2019, 4/5 overall.",
        "Seen on 12/03/2019 and again 2019-2020.",
        "Reference 123456789012345 from my insurer.",
    ],
)
def test_numbers_that_are_not_phone_numbers_are_published(body):
    assert reasons_for_body(body) == []


@pytest.mark.parametrize(
    "body", ["Email dana@example.com", "Write DANA.Owner+spa@mail.example.co.uk"]
)
def test_email_address_holds_review_once_not_also_as_link(body):
    assert reasons_for_body(body) == ["Contains an email address."]


def test_at_sign_without_domain_is_published():
    assert reasons_for_body("Thanks @dana, 2 @ $60 was worth it") == []


@pytest.mark.parametrize(
    ("body", "term"),
    [
        ("Cheap viagra here", "viagra"),
        ("VIAGRA!", "viagra"),
        ("(escort)", "escort"),
        ("Ask about escorts", "escort"),
        ("She offered a happy ending", "happy ending"),
        ("Happy   Ending available", "happy ending"),
        ("happy-ending", "happy ending"),
        ("buy v.i.a.g.r.a now", "viagra"),
        ("c a s i n o bonus", "casino"),
        ("ｖｉａｇｒａ", "viagra"),
        ("Pay in Crypto.", "crypto"),
    ],
)
def test_blocklisted_word_holds_review(body, term):
    assert reasons_for_body(body) == [f"Contains blocked words: {term}."]


@pytest.mark.parametrize(
    "body",
    [
        "The receptionist escorted me to the room.",
        "Casi no me duele la espalda.",
        "She reads about cryptography between clients.",
        "A happy client who is ending the course of treatment.",
    ],
)
def test_words_containing_or_near_blocklisted_terms_are_published(body):
    assert reasons_for_body(body) == []


def test_blocklist_is_checked_in_the_title():
    draft = make_draft(title="Casino night")

    assert hold_reasons(draft, make_context()) == ["Contains blocked words: casino."]


def test_several_problems_give_one_reason_each():
    draft = make_draft(title="Viagra at example.com", body="Call 212-555-0123")

    assert hold_reasons(draft, make_context()) == [
        "Contains a link.",
        "Contains a phone number.",
        "Contains blocked words: viagra.",
    ]


@pytest.mark.parametrize(
    ("hour", "day", "held"),
    [
        (BURST_PER_HOUR, BURST_PER_DAY, False),
        (BURST_PER_HOUR + 1, BURST_PER_HOUR + 1, True),
        (1, BURST_PER_DAY + 1, True),
    ],
)
def test_burst_from_one_account_holds_review(hour, day, held):
    reasons = reasons_for_body(
        "Fine.", reviews_by_author_last_hour=hour, reviews_by_author_last_day=day
    )

    assert bool(reasons) is held
    assert all(reason.startswith("This account posted") for reason in reasons)


def test_burst_reason_names_the_count():
    assert reasons_for_body("Fine.", reviews_by_author_last_hour=5) == [
        f"This account posted 5 reviews in the last hour (more than {BURST_PER_HOUR})."
    ]


@pytest.mark.parametrize(
    "other",
    [
        LONG_REVIEW,
        "  " + LONG_REVIEW.upper().replace(" ", " ,  ") + "!!!",
        LONG_REVIEW.replace("morning", "evening"),
    ],
)
def test_copied_review_text_holds_review(other):
    reasons = reasons_for_body(LONG_REVIEW, other_review_texts=("Nice.", other))

    assert reasons == ["Repeats the text of another recent review."]


@pytest.mark.parametrize(
    ("body", "other"),
    [
        ("Great massage, thank you", "Great massage, thank you"),
        (LONG_REVIEW, "Calm room, kind therapist and my back pain is gone for good"),
        (LONG_REVIEW, "After three months of lower back pain I finally tried yoga"),
    ],
)
def test_short_or_different_text_is_not_a_copy(body, other):
    assert reasons_for_body(body, other_review_texts=(other,)) == []


# Property tests. Drafts mix free text with pieces that trip each rule, so
# both published and held drafts are generated (checked below).
SPICY = [
    "example.com",
    "https://x.io",
    "212-555-0123",
    "dana@example.com",
    *sorted(BLOCKLIST),
]
texts = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.text(max_size=12), st.sampled_from(SPICY)), max_size=6).map(
        " ".join
    ),
)
ratings = st.integers(1, 5)
aspect_ratings = st.tuples(ratings, ratings, ratings, ratings)


@st.composite
def drafts_and_contexts(draw):
    body = draw(st.one_of(texts, st.just(LONG_REVIEW)))
    draft = ReviewDraft(
        title=draw(texts),
        body=body,
        rating=draw(ratings),
        aspect_ratings=draw(aspect_ratings),
        would_recommend=draw(st.booleans()),
    )
    context = Context(
        reviews_by_author_last_hour=draw(st.integers(0, BURST_PER_HOUR + 2)),
        reviews_by_author_last_day=draw(st.integers(0, BURST_PER_DAY + 2)),
        other_review_texts=tuple(draw(st.lists(texts | st.just(body), max_size=3))),
    )
    return draft, context


@DETERMINISTIC
@given(
    drafts_and_contexts(),
    ratings,
    aspect_ratings,
    st.booleans(),
)
def test_star_ratings_and_recommendation_never_change_the_decision(
    draft_and_context, rating, aspects, would_recommend
):
    draft, context = draft_and_context
    rerated = replace(
        draft, rating=rating, aspect_ratings=aspects, would_recommend=would_recommend
    )

    assert hold_reasons(rerated, context) == hold_reasons(draft, context)


@pytest.mark.parametrize("held", [True, False])
def test_property_strategy_generates_held_and_published_drafts(held):
    # Guards the property above from passing vacuously on one outcome only.
    found = find(
        drafts_and_contexts(),
        lambda pair: bool(hold_reasons(*pair)) is held,
        settings=DETERMINISTIC,
    )

    assert bool(hold_reasons(*found)) is held


@DETERMINISTIC
@given(
    st.text(st.characters(exclude_categories=())),
    st.text(st.characters(exclude_categories=())),
    st.lists(st.text(st.characters(exclude_categories=())), max_size=3),
)
def test_arbitrary_unicode_never_raises(title, body, others):
    reasons = hold_reasons(
        make_draft(title=title, body=body),
        make_context(other_review_texts=tuple(others)),
    )

    assert all(isinstance(reason, str) and reason for reason in reasons)


letters_and_spaces = st.text(
    st.one_of(st.characters(categories=["L"]), st.just(" ")), max_size=80
)


@DETERMINISTIC
@given(letters_and_spaces, letters_and_spaces)
def test_letters_and_spaces_with_a_quiet_context_are_published(title, body):
    # Letters can spell a blocked word; skip those. Dropping every non-letter
    # over-approximates the module's separator matching, so nothing slips by.
    squashed = "".join(
        ch
        for ch in unicodedata.normalize("NFKC", title + body).casefold()
        if ch.isalpha()
    )
    assume(not any(term.replace(" ", "") in squashed for term in BLOCKLIST))

    assert hold_reasons(make_draft(title=title, body=body), make_context()) == []


def test_assessment_gives_hold_reasons_in_the_same_order():
    """submit_review() assesses the text before the write's lock and adds the
    author's counts inside it: the reasons are hold_reasons()'s, in its order
    (what the text says, then a burst, then a copy)."""
    draft = make_draft(title="Call 212-555-0199", body=LONG_REVIEW)
    context = Context(
        reviews_by_author_last_hour=BURST_PER_HOUR + 1,
        reviews_by_author_last_day=BURST_PER_HOUR + 1,
        other_review_texts=(LONG_REVIEW,),
    )

    reasons = assess(draft, context.other_review_texts).reasons(
        BURST_PER_HOUR + 1, BURST_PER_HOUR + 1
    )

    assert reasons == hold_reasons(draft, context)
    assert [reason.split()[0] for reason in reasons] == ["Contains", "This", "Repeats"]
