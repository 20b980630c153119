"""The profile's Jinja2 environment (profiles.templating) prints values,
filters and tags exactly as the Django template engine does."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone
from django.utils.safestring import mark_safe

from profiles.templating import ENGINE
from tests import factories

VALUES = [
    'O\'Brien & <Sons> "quoted"',
    mark_safe("<b>safe</b>"),
    0,
    1234567,
    True,
    None,
    4.25,
    1e-7,
    Decimal("95.00"),
    datetime.date(2026, 3, 4),
    datetime.datetime(2026, 3, 4, 23, 30, tzinfo=datetime.UTC),
    [1, "a'b"],
]


def jinja(source: str, **context) -> str:
    return ENGINE.from_string(source).render(context)


def django(source: str, **context) -> str:
    return Template("{% load humanize %}" + source).render(Context(context))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_values_print_as_in_django_templates(value):
    assert jinja("{{ v }}", v=value) == django("{{ v }}", v=value)


@pytest.mark.parametrize(
    "jinja_source, django_source, value",
    [
        ("{{ v|floatformat(1) }}", "{{ v|floatformat:1 }}", 2.25),
        ("{{ v|floatformat(0) }}", "{{ v|floatformat:0 }}", 72.5),
        ("{{ v|pluralize }}", "{{ v|pluralize }}", 2),
        ("{{ v|intcomma }}", "{{ v|intcomma }}", 1234567),
        ("{{ v|linebreaks }}", "{{ v|linebreaks }}", "One & <two>\n\nthree"),
        ("{{ v|linebreaksbr }}", "{{ v|linebreaksbr }}", "Tom's\nline"),
        ('{{ v|join(", ") }}', '{{ v|join:", " }}', ["a'b", "<c>"]),
        ("{{ v|urlencode }}", "{{ v|urlencode }}", "Brooklyn, NY/1 & 2"),
    ],
)
def test_filters_give_what_djangos_give(jinja_source, django_source, value):
    assert jinja(jinja_source, v=value) == django(django_source, v=value)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "UTC"])
@pytest.mark.parametrize("fmt", ["c", "M j, Y", "N j, Y, P", ""])
@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 1, 1, 3, 0, tzinfo=datetime.UTC),
        datetime.datetime(2026, 3, 8, 7, 30, 15, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2026, 11, 1, 5, 30, tzinfo=datetime.UTC),
        datetime.date(2026, 5, 9),
        None,
    ],
)
def test_dates_read_as_djangos_in_the_current_time_zone(value, fmt, zone):
    if (
        isinstance(value, datetime.date)
        and not isinstance(value, datetime.datetime)
        and "P" in fmt
    ):
        pytest.skip("a time format for a date is an error in Django too")
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        if fmt:
            got = jinja("{{ v|date(f) }}", v=value, f=fmt)
            want = django("{{ v|date:f }}", v=value, f=fmt)
        else:
            got, want = jinja("{{ v|date }}", v=value), django("{{ v|date }}", v=value)
    assert got == want


def test_a_missing_attribute_reads_as_empty_as_in_django():
    assert jinja("[{{ v.nothing.deeper }}]", v=object()) == "[]"
    assert not jinja("{% if v.nothing.deeper %}yes{% endif %}", v=object())


@pytest.mark.django_db
def test_the_profile_escapes_names_as_the_django_templates_did(client):
    therapist = factories.make_therapist(
        display_name="Siobhán O'Neil", headline='Back & neck "specialist"'
    )
    html = client.get(therapist.get_absolute_url()).content.decode()
    # The page, not its JSON-LD (which holds the name as JSON).
    page = html.split('<script type="application/ld+json">')[0]
    assert '<h1 id="profile-name">Siobhán O&#x27;Neil</h1>' in page
    assert "Back &amp; neck &quot;specialist&quot;" in page
    assert "O'Neil" not in page


@pytest.mark.django_db
def test_the_querystring_keeps_the_visitors_other_choices(client):
    therapist = factories.make_therapist()
    factories.make_reviews(therapist, [5] * 25)
    response = client.get(
        therapist.get_absolute_url(), {"near": "10001", "sort": "lowest"}
    )
    html = response.content.decode()
    assert 'href="?near=10001&amp;sort=lowest&amp;page=2#reviews"' in html
    assert 'href="?near=10001&amp;sort=lowest&amp;reviews=verified#reviews"' in html


def test_url_and_csrf_are_there_as_in_a_django_template():
    request = RequestFactory().get("/")
    page = ENGINE.from_string("{{ url('profiles:print', 'a-b') }}|{{ csrf_input }}")
    url, csrf = page.render({}, request).split("|")
    assert url == "/therapists/a-b/print/"
    assert csrf.startswith('<input type="hidden" name="csrfmiddlewaretoken" value="')


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [None, {"condition": "sciatica", "sort": "lowest"}, {"condition": "x"}]
)
def test_the_review_filters_selects_read_as_djangos_widgets(data):
    from reviews.forms import ReviewListForm
    from therapists.models import Condition

    form = ReviewListForm(data, conditions=Condition.objects.all())
    form.is_valid()
    select = ENGINE.from_string(
        '{% from "profiles/includes/field.html" import select %}{{ select(f) }}'
    )
    for name in ("condition", "sort"):
        assert select.render({"f": form[name]}) == form[name].as_widget()
