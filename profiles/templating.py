"""The Jinja2 engine the profile page's content is rendered with
(profiles/jinja2/profiles/): through the Django template engine the page spent
more time in templates than in everything else together (issue 19).

The page must read exactly as it did, so the environment prints values as
Django's templates do (finalize(): local time, localised numbers and dates,
Django's own escaping, `&#x27;` and all), offers Django's filters under their
Django names (date, floatformat, pluralize, linebreaks, linebreaksbr, intcomma,
join, urlencode), and lets a missing attribute read as empty, as Django's
templates do. Globals stand in for the tags: url(), querystring(), stars(),
average_stars() and badge(); csrf_input comes with the request, as in any
Django Jinja2 template; widget_of() gives the review filter's selects the
context Django's widget templates get, and the page writes them out as those
templates do (profiles/jinja2/profiles/includes/field.html).
"""

import datetime
import functools
import html
from types import SimpleNamespace

import jinja2
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import defaultfilters
from django.template.backends.jinja2 import Jinja2
from django.template.defaulttags import querystring as querystring_tag
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from markupsafe import Markup

from therapists.templatetags.listing import average_stars, badge, stars


def finalize(value):
    """A value printed as the Django template engine prints it
    (django.template.base.render_value_in_context, autoescaping on)."""
    kind = type(value)
    # The common cases first, as Django would print them: text escaped as
    # django.utils.html.escape does; markup as it is; a whole number, True,
    # False or None as its digits or name (left to Jinja2, which escapes them
    # to the same), as no thousands separator is set.
    if kind is str:
        return SafeString(html.escape(value))
    if kind is SafeString or kind is Markup:
        return value
    if (
        value is None
        or kind is bool
        or (kind is int and not settings.USE_THOUSAND_SEPARATOR)
    ):
        return value
    value = localize(template_localtime(value))
    if not isinstance(value, str):
        value = str(value)
    return conditional_escape(value)


def date(value, arg=None) -> str:
    """Django's `date` filter, in local time as Django's templates give it.
    The page's two formats are written out as django.utils.dateformat writes
    them (its general path costs more than the rest of a review)."""
    value = template_localtime(value)
    if isinstance(value, datetime.date):
        if arg == "c":
            return value.isoformat()
        if arg == "M j, Y":
            return f"{MONTHS_3[value.month].title()} {value.day}, {value.year:04d}"
    return defaultfilters.date(value, arg)


def linebreaks(value) -> SafeString:
    return defaultfilters.linebreaks_filter(value, autoescape=True)


def linebreaksbr(value) -> SafeString:
    return defaultfilters.linebreaksbr(value, autoescape=True)


def join(value, arg: str) -> SafeString:
    return defaultfilters.join(value, arg, autoescape=True)


def widget_of(field) -> dict:
    """The context Django's template for the widget of a bound field gets
    (as BoundField.as_widget() builds it)."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return widget.get_context(field.html_name, field.value(), attrs)["widget"]


def url(name: str, *args) -> str:
    """`{% url name arg %}`."""
    return reverse(name, args=args)


@jinja2.pass_context
def querystring(context, **changes) -> str:
    """`{% querystring key=value %}`: the request's query with these changes."""
    return querystring_tag(SimpleNamespace(request=context["request"]), **changes)


def environment(**options) -> jinja2.Environment:
    """The environment of ENGINE (Django's Jinja2 backend calls it)."""
    # The backend's defaults for these two are replaced below.
    options.pop("autoescape", None)
    options.pop("undefined", None)
    env = jinja2.Environment(
        autoescape=True,
        finalize=finalize,
        # As Django's templates: a missing attribute, or one of a missing
        # value, reads as empty.
        undefined=jinja2.ChainableUndefined,
        # Django keeps a template's last newline: so the page is the same.
        keep_trailing_newline=True,
        **options,
    )
    env.filters.update(
        date=date,
        floatformat=defaultfilters.floatformat,
        pluralize=defaultfilters.pluralize,
        linebreaks=linebreaks,
        linebreaksbr=linebreaksbr,
        intcomma=intcomma,
        join=join,
        urlencode=defaultfilters.urlencode,
    )
    env.globals.update(
        url=url,
        querystring=querystring,
        # Twenty reviews, five ratings: each row of stars is built once.
        stars=functools.lru_cache(maxsize=64)(stars),
        average_stars=average_stars,
        badge=badge,
        widget_of=widget_of,
    )
    return env


ENGINE = Jinja2(
    {
        "NAME": "profiles",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "profiles.templating.environment"},
    }
)
