"""`{% profile_content %}`: the profile's content, rendered by Jinja2
(profiles.templating) inside the Django page that gives it the site's layout."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from profiles.templating import ENGINE

register = template.Library()


@register.simple_tag(takes_context=True)
def profile_content(context) -> SafeString:
    """The profile page's content, from the same context as the page."""
    page = ENGINE.get_template("profiles/therapist_detail.html")
    return mark_safe(  # noqa: S308 - Jinja2 escapes every value (templating.finalize)
        page.render(context.flatten(), context.request)
    )
