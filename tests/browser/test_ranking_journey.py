"""Best match and the scores behind it, in a real browser: a search near a place
puts close, well-qualified therapists first, exactly as the formula on How we
rank says, and a profile explains its score in words that make sense even
with no reviews."""

import re

from playwright.sync_api import expect

from tests import factories
from therapists import geocoding, ranking
from therapists.models import Therapist


def formula_order(near: str, miles: float) -> list[str]:
    """Every published therapist with a practice within `miles` of `near`,
    sorted by the best-match formula (qualification score plus closeness)."""
    point = geocoding.geocode(near)
    ranked = []
    for therapist in Therapist.objects.published().prefetch_related("locations"):
        distances = [
            point.distance_to(loc.latitude, loc.longitude)
            for loc in therapist.locations.all()
        ]
        if not distances or min(distances) > miles:
            continue
        best = therapist.qualification_score + ranking.closeness_points(min(distances))
        ranked.append((-round(best, 6), -therapist.pk, therapist.slug))
    return [slug for *_, slug in sorted(ranked)]


def result_slugs(page) -> list[str]:
    hrefs = page.locator(".result__name a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    return [re.match(r"/therapists/([\w-]+)/", href).group(1) for href in hrefs]


def score_section(page):
    return page.get_by_role("region", name="Why this therapist ranks here")


def test_best_match_near_a_place_puts_close_qualified_therapists_first(
    page, audit, screenshot
):
    page.goto("/therapists/?near=10001&radius=25&sort=best")
    expect(
        page.get_by_text(re.compile(r"within 25 miles of New York")).first
    ).to_be_visible()

    expected = formula_order("10001", 25)
    assert len(expected) > 5, "the demo has therapists around New York"
    shown = result_slugs(page)
    assert shown == expected[: len(shown)]
    # Closeness counts: the first results are close, not the best qualified
    # of the whole circle wherever they are.
    distances = [
        float(text.split()[0])
        for text in page.locator(".result-list article")
        .get_by_text(re.compile(r"^\d+\.\d mi"))
        .all_inner_texts()
    ]
    assert distances[0] < 10, distances
    audit(page, "best match near 10001")

    first = page.locator(".result__name a").first
    name = first.inner_text()
    first.click()
    expect(
        page.get_by_role("heading", level=1, name=re.compile(re.escape(name)))
    ).to_be_visible()
    section = score_section(page)
    expect(
        section.get_by_text(
            re.compile(rf"best match near 10001, of {ranking.MAX_BEST_MATCH}")
        )
    ).to_be_visible()
    expect(
        section.get_by_text(re.compile(r"plus \d+\.\d for closeness"))
    ).to_be_visible()
    expect(section.get_by_text(re.compile(r"miles from 10001\."))).to_be_visible()
    audit(page, "profile with closeness")
    screenshot(page, "ranking-profile-near")

    page.get_by_role("link", name="How we rank").last.click()
    expect(
        page.get_by_role("heading", level=1, name="How we rank therapists")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Near a place: closeness")).to_be_visible()
    expect(
        page.get_by_role("table", name="Closeness points by distance")
    ).to_be_visible()
    audit(page, "how we rank")
    screenshot(page, "how-we-rank")


def test_a_profile_with_no_reviews_reads_sensibly(page, audit, screenshot):
    newcomer = factories.make_therapist(
        display_name="Noor Newcomer", slug="noor-newcomer", back_pain_years=4
    )
    factories.add_technique(newcomer)
    factories.make_location(newcomer, "10011")
    factories.make_credential(newcomer)

    page.goto(f"{newcomer.get_absolute_url()}?near=10001")

    section = score_section(page)
    expect(section.get_by_text("No reviews yet, so no points.")).to_have_count(3)
    expect(section.get_by_text("A current licence, verified.")).to_be_visible()
    expect(section.get_by_text("4 years treating back pain.")).to_be_visible()
    newcomer.refresh_from_db()
    assert newcomer.qualification_score == 25 + 4
    expect(section.get_by_text(re.compile(r"^\s*5[34]\s*$"))).to_be_visible()
    reviews = page.get_by_role("region", name="Reviews")
    expect(reviews.get_by_text("No reviews yet.")).to_be_visible()
    expect(page.get_by_text("Not yet consistently positive")).to_have_count(0)
    audit(page, "profile with no reviews")
    screenshot(page, "ranking-profile-no-reviews")
