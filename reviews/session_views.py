"""Recording sessions: the client's page for one therapist, the therapist's page
for all their clients, and confirming or removing a record from either.

The rules and writes are in reviews.sessions; these views pick the records,
the form and the template, and mail the other side when a record waits for it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat
from django.views.decorators.http import require_POST

from core.notifications import notify
from core.ratelimit import RateLimited, client_ip
from interviews.models import Side
from reviews import sessions
from reviews.forms import SessionRecordForm, TherapistSessionForm
from reviews.models import Review, SessionRecord
from therapists.models import Therapist

# The therapist's page lists at most this many records of each kind.
LISTED = 50
# Refusals that are about the date, shown next to the date field.
DATE_CODES = ("date_out_of_range", "already_recorded")


@login_required
def client_sessions(request, slug):
    """The client's sessions with one therapist: record one, confirm the
    therapist's, withdraw their own unconfirmed ones."""
    therapist = get_object_or_404(Therapist, slug=slug)
    if therapist.user_id == request.user.pk:
        return redirect("reviews:sessions")
    allowed = sessions.may_record(therapist, request.user)
    records = list(
        SessionRecord.objects.filter(therapist=therapist, client=request.user)
    )
    if not (therapist.is_published or allowed or records):
        raise Http404("No such therapist.")
    form = SessionRecordForm(request.POST or None)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied(
                sessions.NO_CONVERSATION.format(name=therapist.display_name)
            )
        if form.is_valid():
            record = save_record(
                request,
                form,
                therapist=therapist,
                client=request.user,
                side=Side.CLIENT,
            )
            if record is not None:
                return redirect("reviews:client-sessions", slug=therapist.slug)
    return render(
        request,
        "reviews/client_sessions.html",
        {
            "therapist": therapist,
            "form": form if allowed else None,
            "allowed": allowed,
            "to_confirm": [r for r in records if r.awaits(Side.CLIENT)],
            "waiting": [r for r in records if r.awaits(Side.THERAPIST)],
            "confirmed": [r for r in records if r.is_confirmed],
            "review": Review.objects.filter(
                therapist=therapist, author=request.user, is_current=True
            ).first(),
        },
    )


@login_required
def therapist_sessions(request):
    """The therapist's sessions with their clients: confirm the clients'
    records, record one for a client, withdraw their own unconfirmed ones."""
    therapist = Therapist.objects.of_user(request.user).first()
    if therapist is None:
        raise PermissionDenied("Only therapists record sessions with their clients.")
    form = TherapistSessionForm(request.POST or None, therapist=therapist)
    if request.method == "POST" and form.is_valid():
        record = save_record(
            request,
            form,
            therapist=therapist,
            client=form.cleaned_data["client"],
            side=Side.THERAPIST,
        )
        if record is not None:
            return redirect("reviews:sessions")
    records = SessionRecord.objects.filter(therapist=therapist).select_related("client")
    return render(
        request,
        "reviews/therapist_sessions.html",
        {
            "therapist": therapist,
            "form": form,
            "has_clients": form.fields["client"].queryset.exists(),
            "to_confirm": records.awaiting_therapist()[:LISTED],
            "waiting": records.awaiting_client()[:LISTED],
            "confirmed": records.confirmed()[:LISTED],
            "listed": LISTED,
        },
    )


def save_record(request, form, *, therapist, client, side) -> SessionRecord | None:
    """Record the session of a valid form for `side`, tell the user and mail the
    other side; None, with the reason on the form, when it was refused."""
    try:
        sessions.RECORDS.hit(f"user:{request.user.pk}", client_ip(request))
        record = sessions.record_session(
            therapist=therapist,
            client=client,
            session_date=form.cleaned_data["session_date"],
            side=side,
        )
    except RateLimited as limited:
        form.add_error(None, limited.message)
        return None
    except ValidationError as refused:
        field = "session_date" if refused.code in DATE_CODES else None
        form.add_error(field, refused)
        return None
    if record.created:
        ask_to_confirm(request, record, asking=side)
        messages.success(
            request,
            f"Session on {day_words(record.session_date)} recorded. "
            f"We asked {other_name(record, side)} to confirm it.",
        )
    else:
        confirmed(request, record, by=side)
    return record


@require_POST
@login_required
def confirm(request, pk):
    record, side = own_record(request, pk)
    try:
        sessions.ANSWERS.hit(f"user:{request.user.pk}", client_ip(request))
    except RateLimited as limited:
        messages.error(request, f"Nothing changed. {limited.message}")
        return redirect(page_of(record, side))
    if record.awaits(side) and sessions.confirm_session(record=record, side=side):
        confirmed(request, record, by=side)
    else:
        messages.info(request, "You already recorded this session.")
    return redirect(page_of(record, side))


@require_POST
@login_required
def remove(request, pk):
    record, side = own_record(request, pk)
    try:
        sessions.ANSWERS.hit(f"user:{request.user.pk}", client_ip(request))
    except RateLimited as limited:
        messages.error(request, f"Nothing changed. {limited.message}")
        return redirect(page_of(record, side))
    if sessions.remove_session(record=record):
        messages.success(request, "The session record is removed.")
    else:
        messages.error(
            request,
            "A session you both recorded stays on record and cannot be removed here.",
        )
    return redirect(page_of(record, side))


def own_record(request, pk) -> tuple[SessionRecord, str]:
    """A record the user is a party to, and their side of it (404 otherwise:
    nobody learns which records exist)."""
    record = get_object_or_404(
        SessionRecord.objects.involving(request.user).select_related(
            "therapist", "client"
        ),
        pk=pk,
    )
    side = Side.CLIENT if record.client_id == request.user.pk else Side.THERAPIST
    return record, side


def day_words(day) -> str:
    """ "Mar 14, 2026", as the pages show dates."""
    return dateformat.format(day, "M j, Y")


def page_of(record: SessionRecord, side: str) -> str:
    if side == Side.CLIENT:
        return reverse(
            "reviews:client-sessions", kwargs={"slug": record.therapist.slug}
        )
    return reverse("reviews:sessions")


def other_name(record: SessionRecord, side: str) -> str:
    """The other side of the record, as this side knows them."""
    if side == Side.CLIENT:
        return record.therapist.display_name
    return record.client.get_full_name() or "your client"


def confirmed(request, record: SessionRecord, *, by: str) -> None:
    """Tell the user a session is now recorded by both; tell the client by
    mail when the therapist confirmed theirs."""
    messages.success(
        request,
        f"Confirmed: you and {other_name(record, by)} both recorded the session on "
        f"{day_words(record.session_date)}.",
    )
    if by == Side.THERAPIST:
        notify(
            subject=f"{record.therapist.display_name} confirmed your session",
            body=render_to_string(
                "reviews/email/session_confirmed.txt",
                {
                    "record": record,
                    "link": request.build_absolute_uri(page_of(record, Side.CLIENT)),
                },
            ),
            to=record.client.email,
        )


def ask_to_confirm(request, record: SessionRecord, *, asking: str) -> None:
    """Mail the other side that a session waits for them to confirm it."""
    if asking == Side.CLIENT:
        to, page = record.therapist.user.email, page_of(record, Side.THERAPIST)
        name = record.client.get_full_name() or "A client"
    else:
        to, page = record.client.email, page_of(record, Side.CLIENT)
        name = record.therapist.display_name
    notify(
        subject=f"{name} recorded a session with you: please confirm it",
        body=render_to_string(
            "reviews/email/session_to_confirm.txt",
            {
                "record": record,
                "name": name,
                "for_therapist": asking == Side.CLIENT,
                "link": request.build_absolute_uri(page),
            },
        ),
        to=to,
    )
