"""`{% profile_content %}`: the profile's content, rendered by Jinja2
(profiles.templating) inside the Django page that gives it the site's layout."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from profiles import page_cache
from profiles.templating import ENGINE

register = template.Library()


@register.simple_tag(takes_context=True)
def profile_content(context) -> SafeString:
    """The profile page's content, from the same context as the page: kept
    in the page cache when the view gives it a slot (profiles.page_cache),
    and taken from there when the view found it kept."""
    kept = context.get("profile_html")
    if kept is not None:
        return kept
    page = ENGINE.get_template("profiles/therapist_detail.html")
    slot = context.get("profile_slot")
    if slot is None:
        return mark_safe(  # noqa: S308 - Jinja2 escapes every value (templating.finalize)
            page.render(context.flatten(), context.request)
        )
    # As Django's Jinja2 backend renders, with the mark for the CSRF token.
    mark = page_cache.csrf_input_mark()
    content = page.template.render(
        {
            **context.flatten(),
            "request": context.request,
            "csrf_input": mark,
            "csrf_token": page_cache.csrf_mark(),
        }
    )
    therapist = context["therapist"]
    slot.keep(
        page_cache.Entry.of(
            display_name=str(therapist.display_name),
            headline=str(therapist.headline),
            html=content,
            structured_data=str(context["structured_data"]),
        )
    )
    return page_cache.with_token(content, context.request)
