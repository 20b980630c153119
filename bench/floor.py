"""The floor: what the search page and the profile would cost with nothing
but one SQL query and one small template, measured beside them in the same run
(`bench/run.py`, `bench/time_search.py`), so each page's time can be read as a
multiple of its floor (issue 19).

Mounted only by the bench's settings (bench/settings.py, bench/urls.py): the
site's URLconf never sees these views.

What the search floor does, for `/bench/floor/search/?near=...&radius=...
&technique=...&verified=on&sort=best|distance&page=n` (the bench's search shapes):

- looks the place up in the same in-memory ZIP and city index the site uses
  (therapists.geocoding), reads the parameters with plain dict lookups;
- runs ONE SQL statement with bound parameters through connection.cursor()
  (two for `sort=distance`, see below): locations in the circle (the geo or
  score index, with the copies of the publication flag, badge and technique
  bits the locations carry), the same squared-distance arithmetic (the
  circle's SQL is therapists.compiled's), the same best-match formula and
  order (score + closeness, then id) or distance order (nearest location,
  score, id); for `sort=best` the same bound the real search uses (the k-th
  best among the circle's 4k highest-scored locations, minus the most
  closeness can add), so its SQL reads what the real page's reads; for
  `sort=distance` nearest first, as the real page walks (therapists.nearest):
  a first statement asks which rung of the same ladder of radii is the first
  to hold the page's reach of matches (a capped count per rung over the geo
  index, smallest first; without the real page's capped count of the whole
  circle, nor its KNN shortcut on PostgreSQL), and the page lists and sorts
  only the matches within that rung; and, per row of the page, the card's
  columns, the nearest location and the technique names;
- renders 20 cards through one Jinja2 template (bench/jinja2/floor_search.html):
  photo URL, name and profile link, verified badge, headline, back-pain years,
  clinician recommendations, city and distance, up to three technique chips
  (searched first) and "+N more", stars, rating and review counts, verified
  clients, price of a 60-minute session (else the nearest length), accepting
  new clients, and when the details were last confirmed.

What it does not do: no forms or validation (a bad parameter is a 400, not an
error message next to a field), no count and no pagination links, no filter
chips, folded filter groups, suggestions or map, no site layout (header,
navigation, footer, CSS links), no ORM, no model instances, no Django template
engine, no `reverse()`, no map coordinates on the cards (the hours, access,
payment and comfort lines a card shows only when searched for are not searched
for by the bench either); technique slugs become ids through a map read once
per process (one more query on a process's first search only, where the real
page reads the taxonomy in each request's first query); techniques are
matched by the locations' bits alone
(exact while every searched technique has a bit of its own, as on the demo data;
the real search also checks the links when bits are shared); the session,
CSRF and the rest of the middleware run as for any Django view (the multiple
does not hide them). The dense-circle plan is always used, as the bench's
searches (ZIP 10001) are dense.

The profile floor, `/bench/floor/profile/<slug>/`: ONE statement gives the
therapist's row (name, practice headline, biography, photo, years, prices,
accepting clients, badge, rating average, count and 1-5 distribution, would
recommend), their locations, current credentials (everything but rejections),
techniques and conditions, and the 20 newest published reviews, each list a
JSON aggregate; one Jinja2 template (bench/jinja2/floor_profile.html) renders
them. It leaves out the ranking explanation, outcomes, responsiveness, hours,
packages, the review filter form and pagination, clinicians' recommendations,
the shortlist, structured data and the site layout.
"""

import datetime
import json
import math
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils import timezone

from therapists import fulltext, geocoding, nearest, ranking
from therapists.compiled import DISTANCE_SQ, GREATEST, distance_params
from therapists.indexing import search_words, technique_bit
from therapists.models import Therapist
from therapists.models.location import LEADERS_PER_REACH

PER_PAGE = 20
CHIPS = 3

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "jinja2"),
    autoescape=True,
)
PHOTOS = Therapist._meta.get_field("photo_thumbnail").storage

# Where the two databases spell things differently (besides
# therapists.compiled.GREATEST). Lists keep the order of the subquery they
# aggregate.
DIALECTS = {
    "sqlite": {
        "names": "(SELECT group_concat(name, '|') FROM ({}))",
        "rows": "(SELECT json_group_array(json_object({fields})) FROM ({query}))",
    },
    "postgresql": {
        "names": "(SELECT string_agg(name, '|') FROM ({}) AS names)",
        "rows": (
            "(SELECT json_agg(json_build_object({fields})) FROM ({query}) AS rows)"
        ),
    },
}

CARD_COLUMNS = (
    "id",
    "slug",
    "display_name",
    "photo_thumbnail",
    "headline",
    "back_pain_years",
    "back_pain_caseload_percent",
    "rating_average",
    "rating_count",
    "verified_review_count",
    "price_30",
    "price_45",
    "session_price",
    "price_75",
    "price_90",
    "accepting_new_clients",
    "details_confirmed_on",
    "badge_valid_until",
    "clinician_recommendation_count",
    "qualification_score",
)


def _narrowed(verified: bool) -> str:
    """Locations l of the searched kind within the radius (placeholders: the
    publication flag, the badge's day when `verified`, the technique bits,
    the point, the radius squared)."""
    badge = "AND l.badge_valid_until >= %s" if verified else ""
    return (
        f"l.listed = %s {badge} AND (l.technique_bits & %s) > 0"
        f" AND {DISTANCE_SQ.format('l')} <= %s"
    )


def _geo(bands: int) -> str:
    """The circle's box on the geo index (placeholders: the latitude bands,
    the longitude range)."""
    return (
        f"l.lat_band IN ({', '.join(['%s'] * bands)})"
        " AND l.longitude >= %s AND l.longitude <= %s"
    )


def _narrowed_params(point, miles, *, mask, today, verified) -> list:
    dsq = distance_params(point)
    return [True, *([today] if verified else []), mask, *dsq, miles * miles]


def _geo_params(point, miles) -> list:
    _, _, min_lon, max_lon = point.bounding_box(miles)
    return [*point.latitude_bands(miles), min_lon, max_lon]


def rung_sql(*, bands: list[int], verified: bool) -> str:
    """The distance floor's first statement: which of the rungs (spanning
    `bands` latitude bands each) is the first to hold a page's reach of
    matches (placeholders: see rung_params())."""
    found = (
        "(SELECT COUNT(*) FROM (SELECT DISTINCT l.therapist_id"  # noqa: S608
        " FROM therapists_practicelocation l WHERE {} LIMIT %s) found)"
    )
    whens = [
        f"WHEN {found.format(f'{_geo(count)} AND {_narrowed(verified)}')} >= %s"
        f" THEN {number}"
        for number, count in enumerate(bands[:-1])
    ]
    return f"SELECT CASE {' '.join(whens)} ELSE {len(bands) - 1} END"


def rung_params(point, ladder, *, mask, today, verified, reach) -> list:
    """rung_sql()'s parameters for the radii of `ladder`."""
    params = []
    for miles in ladder[:-1]:
        params += _geo_params(point, miles)
        params += _narrowed_params(
            point, miles, mask=mask, today=today, verified=verified
        )
        params += [reach, reach]
    return params


def search_sql(vendor: str, *, sort: str, bands: int, verified: bool) -> str:
    """The search floor's page statement (placeholders: see search_params())."""
    loc_dsq = DISTANCE_SQ.format("l")
    closeness = (
        f"{GREATEST[vendor]}(0.0, {float(ranking.CLOSENESS_POINTS_MAX)} - "
        f"{float(ranking.CLOSENESS_POINTS_LOST_PER_MILE)} * SQRT({{}}))"
    )
    narrowed, geo = _narrowed(verified), _geo(bands)
    if sort == ranking.Sort.BEST:
        # The circle by latitude first, walked down the score index.
        around = f"l.latitude >= %s AND l.latitude <= %s AND {narrowed}"
        matches = f"""
        leaders AS (
            SELECT l.therapist_id, l.qualification_score AS score, {loc_dsq} AS dsq
            FROM therapists_practicelocation l WHERE {around}
            ORDER BY l.qualification_score DESC LIMIT %s
        ),
        bound AS (
            SELECT MAX(score + {closeness.format("dsq")}) AS best FROM leaders
            GROUP BY therapist_id ORDER BY best DESC LIMIT 1 OFFSET %s
        ),
        circle AS (
            SELECT l.therapist_id, MIN({loc_dsq}) AS dsq
            FROM therapists_practicelocation l WHERE {around}
            AND l.qualification_score >= COALESCE((SELECT best FROM bound), 0.0) - %s
            AND l.qualification_score <= %s
            GROUP BY l.therapist_id
        )"""  # noqa: S608 - constant SQL, values bound
        order = "best DESC, t.id DESC"
    else:
        matches = f"""
        circle AS (
            SELECT l.therapist_id, MIN({loc_dsq}) AS dsq
            FROM therapists_practicelocation l WHERE {geo} AND {narrowed}
            GROUP BY l.therapist_id
        )"""  # noqa: S608 - constant SQL, values bound
        order = "c.dsq, t.qualification_score DESC, t.id DESC"
    columns = ", ".join(f"t.{column}" for column in CARD_COLUMNS)
    page_columns = ", ".join(f"p.{column}" for column in CARD_COLUMNS)
    techniques = _techniques(vendor)
    return f"""
    WITH {matches},
    page AS (
        SELECT {columns}, c.dsq, t.qualification_score + {closeness.format("c.dsq")}
            AS best
        FROM circle c JOIN therapists_therapist t ON t.id = c.therapist_id
        WHERE t.is_published = %s
        ORDER BY {order} LIMIT %s OFFSET %s
    )
    SELECT {page_columns}, p.dsq, nl.city, nl.state, nl.is_home_based,
        {techniques} AS techniques
    FROM page p JOIN therapists_practicelocation nl ON nl.id = (
        SELECT l.id FROM therapists_practicelocation l WHERE l.therapist_id = p.id
        ORDER BY {loc_dsq}, l.id LIMIT 1
    )
    ORDER BY {order.replace("t.", "p.").replace("c.", "p.")}
    """  # noqa: S608 - constant SQL, values bound


def _techniques(vendor: str) -> str:
    """Page row p's techniques, "name~slug|name~slug", in the card's order
    (TherapistTechnique.Meta)."""
    return DIALECTS[vendor]["names"].format(
        "SELECT te.name || '~' || te.slug AS name"
        " FROM therapists_therapisttechnique tt"
        " JOIN therapists_technique te ON te.id = tt.technique_id"
        " WHERE tt.therapist_id = p.id ORDER BY tt.years DESC, te.position"
    )


def search_params(
    point, miles, *, sort, mask, today, verified, page
) -> tuple[list, int]:
    """The bound parameters, in the order search_sql() places them (for
    `sort=distance`, `miles` is the rung's)."""
    dsq = distance_params(point)
    min_lat, max_lat, _, _ = point.bounding_box(miles)
    narrowed = _narrowed_params(point, miles, mask=mask, today=today, verified=verified)
    reach = page * PER_PAGE
    if sort == ranking.Sort.BEST:
        around = [min_lat, max_lat, *narrowed]
        # As many leading locations as the real search reads (contending()).
        params = [*dsq, *around, LEADERS_PER_REACH * reach, reach - 1]
        params += [*dsq, *around, float(ranking.CLOSENESS_POINTS_MAX)]
        params += [float(ranking.MAX_SCORE)]
    else:
        params = [*dsq, *_geo_params(point, miles), *narrowed]
    params += [True, PER_PAGE, (page - 1) * PER_PAGE, *dsq]
    return params, len(point.latitude_bands(miles))


def _technique_mask(slugs: list[str]) -> int:
    """The bits of the searched techniques (KeyError for an unknown slug)."""
    if not _TECHNIQUE_IDS:
        # Once per process, on the first search: the real page reads its
        # taxonomy in its first query instead, so the floor's one statement
        # leaves it out.
        with connection.cursor() as cursor:
            cursor.execute("SELECT slug, id FROM therapists_technique")
            _TECHNIQUE_IDS.update(cursor.fetchall())
    mask = 0
    for slug in slugs:
        mask |= technique_bit(_TECHNIQUE_IDS[slug])
    return mask


_TECHNIQUE_IDS: dict[str, int] = {}


def text_sql(vendor: str, words: list[str]) -> tuple[str, list]:
    """The free-text floor's page statement and the parameters of its words:
    the published therapists whose document matches every word (each a
    prefix, as the site's search reads it, spelled out from the index's
    vocabulary as the site's bounded search spells it: therapists.fulltext),
    by best match (score, then id: no place), each with their first location,
    as a card without a place names."""
    if vendor == "postgresql":
        terms, params = fulltext.tsquery_sql(" ".join(words))
        matching = (
            "SELECT therapist_id FROM therapists_search "  # noqa: S608
            f"WHERE vector @@ ({terms})::tsquery"
        )
    else:
        terms, params = fulltext.match_sql(" ".join(words))
        matching = (
            "SELECT rowid FROM therapists_search "  # noqa: S608
            f"WHERE therapists_search MATCH ({terms})"
        )
    columns = ", ".join(f"t.{column}" for column in CARD_COLUMNS)
    page_columns = ", ".join(f"p.{column}" for column in CARD_COLUMNS)
    sql = f"""
    WITH page AS (
        SELECT {columns} FROM therapists_therapist t
        WHERE t.is_published = %s AND t.id IN ({matching})
        ORDER BY t.qualification_score DESC, t.id DESC LIMIT %s OFFSET %s
    )
    SELECT {page_columns}, NULL AS dsq, nl.city, nl.state, nl.is_home_based,
        {_techniques(vendor)} AS techniques
    FROM page p LEFT JOIN therapists_practicelocation nl ON nl.id = (
        SELECT l.id FROM therapists_practicelocation l WHERE l.therapist_id = p.id
        ORDER BY l.id LIMIT 1
    )
    ORDER BY p.qualification_score DESC, p.id DESC
    """  # noqa: S608 - constant SQL, values bound
    return sql, params


def _text(request, words: list[str]):
    """Twenty cards for free text away from a place, from one SQL statement."""
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        return HttpResponseBadRequest("The floor serves the bench's searches only.")
    sql, params = text_sql(connection.vendor, words)
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, *params, PER_PAGE, (page - 1) * PER_PAGE])
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    today = timezone.localdate()
    cards = [_card(row, set(), today) for row in rows]
    html = TEMPLATES.get_template("floor_search.html").render(
        cards=cards, profile_query=""
    )
    return HttpResponse(html)


def search(request):
    """Twenty cards for a search near a place, or for free text away from
    one, from one SQL statement."""
    get = request.GET
    words = search_words(get.get("q", ""))
    if words and not get.get("near"):
        return _text(request, words)
    try:
        point = geocoding.geocode(get.get("near", ""))
        miles = int(get.get("radius") or 25)
        if miles < 1:
            raise ValueError(miles)
        page = max(1, int(get.get("page") or 1))
        slugs = get.getlist("technique")
        mask = _technique_mask(slugs) if slugs else (1 << 62) - 1
    except (geocoding.PlaceNotFound, ValueError, KeyError):
        return HttpResponseBadRequest("The floor serves the bench's searches only.")
    sort = get.get("sort") or ranking.Sort.BEST
    if sort not in (ranking.Sort.BEST, ranking.Sort.DISTANCE):
        return HttpResponseBadRequest("The floor sorts by best match or distance.")
    verified = get.get("verified") == "on"
    today = timezone.localdate()
    if sort == ranking.Sort.DISTANCE:
        miles = _rung(
            point, miles, mask=mask, today=today, verified=verified, page=page
        )
    params, bands = search_params(
        point,
        miles,
        sort=sort,
        mask=mask,
        today=today,
        verified=verified,
        page=page,
    )
    sql = search_sql(connection.vendor, sort=sort, bands=bands, verified=verified)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    profile_query = "?" + urlencode({"near": get["near"]})
    cards = [_card(row, set(slugs), today) for row in rows]
    html = TEMPLATES.get_template("floor_search.html").render(
        cards=cards, profile_query=profile_query
    )
    return HttpResponse(html)


def _rung(point, miles, *, mask, today, verified, page) -> float:
    """The radius of the smallest rung of nearest.rungs(miles) holding the
    page's reach of matches (the whole circle's when none does)."""
    ladder = nearest.rungs(miles)
    bands = [len(point.latitude_bands(radius)) for radius in ladder]
    params = rung_params(
        point, ladder, mask=mask, today=today, verified=verified, reach=page * PER_PAGE
    )
    with connection.cursor() as cursor:
        cursor.execute(rung_sql(bands=bands, verified=verified), params)
        (rung,) = cursor.fetchone()
    return ladder[rung]


def _card(row: dict, searched: set[str], today: datetime.date) -> dict:
    offers = (
        [t.split("~") for t in row["techniques"].split("|")]
        if row["techniques"]
        else []
    )
    chips = [(name, True) for name, slug in offers if slug in searched]
    chips += [(name, False) for name, slug in offers if slug not in searched]
    offered = [
        (minutes, row[column])
        for minutes, column in (
            (30, "price_30"),
            (45, "price_45"),
            (60, "session_price"),
            (75, "price_75"),
            (90, "price_90"),
        )
        if row[column] is not None
    ]
    price = min(offered, key=lambda p: (abs(p[0] - 60), p[0])) if offered else None
    badge_until = _date(row["badge_valid_until"])
    confirmed = _date(row["details_confirmed_on"])
    return row | {
        "photo_url": PHOTOS.url(row["photo_thumbnail"])
        if row["photo_thumbnail"]
        else "",
        "verified": badge_until is not None and badge_until >= today,
        "miles": None if row["dsq"] is None else math.sqrt(row["dsq"]),
        "chips": chips[:CHIPS],
        "more_chips": max(0, len(chips) - CHIPS),
        "stars": math.floor((row["rating_average"] or 0) + 0.5),
        "price": price,
        "confirmed": confirmed,
    }


def _date(value) -> datetime.date | None:
    """A date column as a date (SQLite returns text through a raw cursor)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def profile_sql(vendor: str) -> str:
    """The profile floor's one statement: the row and its lists as JSON."""
    dialect = DIALECTS[vendor]

    def rows(query: str, *fields: str) -> str:
        pairs = ", ".join(f"'{field}', {field}" for field in fields)
        return dialect["rows"].format(fields=pairs, query=query)

    locations = rows(
        "SELECT name, city, state, postal_code, is_home_based"
        " FROM therapists_practicelocation WHERE therapist_id = t.id ORDER BY id",
        "name",
        "city",
        "state",
        "postal_code",
        "is_home_based",
    )
    credentials = rows(
        "SELECT kind, issuer, jurisdiction, status, expires_on"
        " FROM therapists_credential WHERE therapist_id = t.id"
        " AND status <> 'rejected' ORDER BY kind, issuer",
        "kind",
        "issuer",
        "jurisdiction",
        "status",
        "expires_on",
    )
    techniques = rows(
        "SELECT te.name AS name, tt.years AS years"
        " FROM therapists_therapisttechnique tt"
        " JOIN therapists_technique te ON te.id = tt.technique_id"
        " WHERE tt.therapist_id = t.id ORDER BY tt.years DESC, te.position",
        "name",
        "years",
    )
    conditions = dialect["names"].format(
        "SELECT co.name AS name FROM therapists_therapist_conditions tc"
        " JOIN therapists_condition co ON co.id = tc.condition_id"
        " WHERE tc.therapist_id = t.id ORDER BY co.position, co.name"
    )
    reviews = rows(
        "SELECT title, body, rating, would_recommend, is_verified_client,"
        " created_at FROM reviews_review WHERE therapist_id = t.id"
        " AND status = 'published' AND is_current = %s"
        " ORDER BY created_at DESC, id DESC LIMIT 20",
        "title",
        "body",
        "rating",
        "would_recommend",
        "is_verified_client",
        "created_at",
    )
    return f"""
    SELECT t.display_name, t.slug, t.headline, t.bio, t.photo, t.pronouns,
        t.years_in_practice, t.back_pain_years, t.session_price,
        t.accepting_new_clients, t.badge_valid_until, t.rating_average,
        t.rating_count, t.rating_1_count, t.rating_2_count, t.rating_3_count,
        t.rating_4_count, t.rating_5_count, t.recommend_count,
        t.verified_review_count, t.qualification_score,
        {locations} AS locations, {credentials} AS credentials,
        {techniques} AS techniques, {conditions} AS conditions,
        {reviews} AS reviews
    FROM therapists_therapist t WHERE t.slug = %s AND t.is_published = %s
    """  # noqa: S608 - constant SQL, values bound


def profile(request, slug: str):
    """A therapist's profile from one SQL statement."""
    with connection.cursor() as cursor:
        cursor.execute(profile_sql(connection.vendor), [True, slug, True])
        names = [column[0] for column in cursor.description]
        found = cursor.fetchone()
    if found is None:
        raise Http404("No published therapist by that name.")
    therapist = dict(zip(names, found, strict=True))
    for key in ("locations", "credentials", "techniques", "reviews"):
        if isinstance(therapist[key], str):  # SQLite's JSON is text
            therapist[key] = json.loads(therapist[key])
        therapist[key] = therapist[key] or []
    count = therapist["rating_count"]
    distribution = [
        (stars, therapist[f"rating_{stars}_count"], count) for stars in range(5, 0, -1)
    ]
    badge_until = _date(therapist["badge_valid_until"])
    html = TEMPLATES.get_template("floor_profile.html").render(
        t=therapist,
        photo_url=PHOTOS.url(therapist["photo"]) if therapist["photo"] else "",
        verified=badge_until is not None and badge_until >= timezone.localdate(),
        distribution=distribution,
        conditions=(therapist["conditions"] or "").split("|")
        if therapist["conditions"]
        else [],
    )
    return HttpResponse(html)
