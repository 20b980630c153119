"""The therapist's hours page (/dashboard/hours/): weekly hours, one row per
range, rows added and removed without JavaScript, and the next opening with a
button that confirms it is still right. Only the signed-in therapist's own
profile; saving confirms the details clients rely on, as the profile form does.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dashboard.views import finish_change, own_therapist
from therapists import availability, changes
from therapists.forms_hours import MAX_RANGES, NextOpeningForm, OpeningHoursFormSet

# "Add more rows" adds this many empty rows.
ADD_ROWS = 2


def with_more_rows(data):
    """The POST again, declaring ADD_ROWS more (empty) rows, never past the
    formset's limit: the page shows what was typed, with room for more."""
    data = data.copy()
    key = f"{OpeningHoursFormSet.get_default_prefix()}-TOTAL_FORMS"
    try:
        total = int(data.get(key, ""))
    except ValueError:
        return data  # the management form reports it
    data[key] = str(max(0, min(total + ADD_ROWS, MAX_RANGES)))
    return data


@login_required
def hours_edit(request):
    therapist = own_therapist(request)
    # As stored, before a refused form changes the instance in memory.
    stored_next_opening = therapist.next_opening
    data = request.POST if request.method == "POST" else None
    adding = data is not None and "add_rows" in data
    if adding:
        data = with_more_rows(data)
    formset = OpeningHoursFormSet(data, instance=therapist)
    next_form = NextOpeningForm(data, instance=therapist)
    if data is not None and not adding and formset.is_valid() and next_form.is_valid():
        with transaction.atomic():
            formset.save()
            next_form.save()
            changes.hours_changed(therapist)
            # Saving confirms every detail clients rely on (therapists.freshness).
            changes.details_confirmed(therapist)
            finish_change(request, therapist, "Your hours are saved.")
        return redirect("dashboard:home")
    return render(
        request,
        "dashboard/hours_form.html",
        {
            "therapist": therapist,
            "formset": formset,
            "next_form": next_form,
            "adding": adding,
            "local_time_note": availability.LOCAL_TIME_NOTE,
            "fresh_days": availability.NEXT_OPENING_FRESH_DAYS,
            "stored_next_opening": stored_next_opening,
        },
    )


@require_POST
@login_required
def next_opening_confirm(request):
    """One click: the next opening stated is still right, as of today."""
    therapist = own_therapist(request)
    if therapist.next_opening_on is None or (
        therapist.next_opening_on < timezone.localdate()
    ):
        messages.error(
            request,
            "Nothing confirmed: your next opening has passed or is not set. "
            "Enter a new date and save.",
        )
        return redirect("dashboard:hours")
    with transaction.atomic():
        changes.next_opening_confirmed(therapist)
    messages.success(
        request,
        f"Thank you: clients see “{therapist.next_opening.words}”.",
    )
    return redirect("dashboard:home")
