"""The staff admin site: Django's, refusing numbers no database column holds.

Django's admin looks several submitted ids up as sent (the ids in a changelist's
editable rows, many-to-many choices, `_to_field`): one of 2^63 or more fits no
64-bit column, and SQLite raises OverflowError (PostgreSQL a DataError) inside
the admin's own code. Every admin view is wrapped here: such a request changes
nothing (the admin writes inside a transaction) and comes back to the page with
a message saying why.
"""

import functools
import logging

from django.contrib import admin, messages
from django.contrib.admin.options import TO_FIELD_VAR
from django.core.exceptions import BadRequest
from django.db import DataError
from django.shortcuts import redirect

logger = logging.getLogger(__name__)
OUT_OF_RANGE = (
    "A number or id you entered is out of range (the largest is "
    "9,223,372,036,854,775,807) or not a number. Nothing was changed."
)


class AdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)

        @functools.wraps(wrapped)
        def refusing_numbers_out_of_range(request, *args, **kwargs):
            # An empty `_to_field` passes the admin's own check and then names
            # no field at all.
            if "" in (request.GET.get(TO_FIELD_VAR), request.POST.get(TO_FIELD_VAR)):
                raise BadRequest("_to_field is empty.")
            try:
                return wrapped(request, *args, **kwargs)
            except (OverflowError, DataError, ValueError):
                # ValueError: an autocomplete widget re-rendering a refused form
                # looks its bad value up as sent ("1.5" for an id). Logged with
                # its traceback, so a real bug still shows.
                logger.warning("admin input refused", exc_info=True)
                if request.method == "GET" and not request.GET:
                    raise BadRequest(OUT_OF_RANGE) from None
                messages.error(request, OUT_OF_RANGE)
                if request.method == "GET":
                    return redirect(request.path)
                return redirect(request.get_full_path())

        return refusing_numbers_out_of_range
