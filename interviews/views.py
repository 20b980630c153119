"""Interview a therapist before booking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import notifications
from core.ratelimit import RateLimited, client_ip
from interviews import safety
from interviews.forms import (
    AbuseReportForm,
    AnswerForm,
    InterviewRequestForm,
    MessageForm,
    SafetyScreenForm,
)
from interviews.models import REPORT_REASON_MAX, InterviewMessage, InterviewRequest
from interviews.writing import (
    MESSAGES,
    REPORTS,
    REQUESTS,
    answer_request,
    post_message,
    send_request,
)
from therapists.models import Therapist


def notify(request, *, to: str, subject: str, body: str, link: str) -> None:
    """Email a link to the conversation; a mail outage must not lose it."""
    notifications.notify(
        subject=subject,
        body=f"{body}\n\n{request.build_absolute_uri(link)}\n\nBack Care Directory",
        to=to,
    )


@login_required
def request_interview(request, slug):
    """Ask a therapist before booking, in two steps: the red-flag screen, then
    the request. Only a clean screen leads on, proven on the request's POST by a
    signed token (or, once it has expired, by the screen answered again on the
    same page), so a crafted POST cannot skip it. Any "yes" stops everything:
    nothing is stored or sent, and the page says what to do instead."""
    therapist = get_object_or_404(
        Therapist.objects.published().select_related("user"), slug=slug
    )
    if therapist.user_id == request.user.pk:
        raise PermissionDenied("You cannot interview yourself.")
    if request.method != "POST":
        return render_screen(request, therapist, SafetyScreenForm())
    screen = SafetyScreenForm(request.POST)
    if request.POST.get("step") == "screen":
        if not screen.is_valid():
            return render_screen(request, therapist, screen)
        if screen.red_flags():
            return render_stop(request, therapist, screen.red_flags())
        return render_request(
            request, therapist, InterviewRequestForm(therapist=therapist)
        )

    if screen.answered() and screen.is_valid() and screen.red_flags():
        # A "yes" given now outweighs a clean screen before.
        return render_stop(request, therapist, screen.red_flags())
    form = InterviewRequestForm(request.POST, therapist=therapist)
    token = form.data.get("screen_token", "")
    clear = safety.is_clear_screen_token(
        token, client=request.user, therapist=therapist
    ) or (screen.answered() and screen.is_valid())
    if not clear:
        # Validated all the same, so every error shows at once.
        form.is_valid()
        return render_request(
            request,
            therapist,
            form,
            screen=screen if screen.answered() else SafetyScreenForm(),
            screen_expired=bool(token),
        )
    if form.is_valid():
        try:
            REQUESTS.hit(f"user:{request.user.pk}", client_ip(request))
            interview = send_request(
                therapist=therapist, client=request.user, form=form
            )
        except RateLimited as limited:
            form.add_error(None, limited.message)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            # Health notes stay on the site: email is not private.
            notes = (
                " They passed on health notes for you: read them on the site "
                "before you answer."
                if interview.health_notes
                else ""
            )
            notify(
                request,
                to=therapist.user.email,
                subject="A client would like to ask you some questions",
                body=f"{request.user.first_name or 'A client'} sent you an interview "
                f"request about their back pain.{notes}",
                link=interview.get_absolute_url(),
            )
            messages.success(
                request, "Your questions are sent. We will email you the answers."
            )
            return redirect(interview.get_absolute_url())
    return render_request(request, therapist, form)


def render_screen(request, therapist, screen: SafetyScreenForm):
    """Step 1: the red-flag questions."""
    return render(
        request,
        "interviews/request_form.html",
        {"step": "screen", "screen": screen, "therapist": therapist},
    )


def render_request(
    request,
    therapist,
    form: InterviewRequestForm,
    *,
    screen: SafetyScreenForm | None = None,
    screen_expired: bool = False,
):
    """Step 2: the request. Without `screen`, after a clean screen: it carries a
    fresh token. With it, the screen is asked again above the request."""
    if screen is None:
        token = safety.clear_screen_token(client=request.user, therapist=therapist)
        if form.is_bound:
            form.data = form.data.copy()  # the request's QueryDict is immutable
            form.data["screen_token"] = token
        else:
            form.initial["screen_token"] = token
    return render(
        request,
        "interviews/request_form.html",
        {
            "step": "request",
            "form": form,
            "screen": screen,
            "screen_expired": screen_expired,
            "therapist": therapist,
        },
    )


def render_stop(request, therapist, flags: list[safety.RedFlag]):
    """A "yes" to a red flag: what to do instead. Nothing was stored or sent."""
    urgency = safety.urgency_of(flags)
    return render(
        request,
        "interviews/safety_stop.html",
        {
            "therapist": therapist,
            "flags": flags,
            "emergency": urgency == safety.Urgency.EMERGENCY,
            "advice": [flag.advice for flag in flags if flag.advice],
        },
    )


@login_required
def inbox(request):
    therapist = Therapist.objects.of_user(request.user).first()
    received = (
        InterviewRequest.objects.filter(therapist=therapist).select_related("client")
        if therapist
        else InterviewRequest.objects.none()
    )
    sent = InterviewRequest.objects.filter(client=request.user).select_related(
        "therapist"
    )
    return render(
        request,
        "interviews/inbox.html",
        {
            "received": received,
            "sent": sent,
            "unread_received": received.unread_by_therapist().count(),
            "unread_sent": sent.unread_by_client().count(),
            "is_therapist": therapist is not None,
        },
    )


def conversation(user, pk) -> InterviewRequest:
    """The request with this id, if the user may read it; else a 404."""
    return get_object_or_404(
        InterviewRequest.objects.readable_by(user).select_related(
            "therapist__user", "client"
        ),
        pk=pk,
    )


@login_required
def detail(request, pk):
    interview = conversation(request.user, pk)
    is_therapist = interview.therapist.user_id == request.user.pk
    is_client = interview.client_id == request.user.pk
    questions = list(interview.questions.all())
    form = None
    if is_therapist:
        # Answered before: the decision and message stand unless changed.
        decided = (
            {"decision": interview.status, "message": interview.therapist_message}
            if interview.answered_at
            else None
        )
        form = AnswerForm(request.POST or None, questions=questions, initial=decided)
        if request.method == "POST" and form.is_valid():
            try:
                answer_request(interview=interview, form=form)
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                notify(
                    request,
                    to=interview.client.email,
                    subject=f"{interview.therapist.display_name} answered your "
                    "questions",
                    body="Your questions have answers.",
                    link=interview.get_absolute_url(),
                )
                messages.success(request, "Your answers are sent to the client.")
                return redirect(interview.get_absolute_url())
        if interview.therapist_read_at is None:
            interview.therapist_read_at = timezone.now()
            interview.save(update_fields=["therapist_read_at"])
    elif is_client and interview.answered_at and interview.client_read_at is None:
        interview.client_read_at = timezone.now()
        interview.save(update_fields=["client_read_at"])
    return render_conversation(
        request, interview, questions=questions, answer_form=form
    )


def render_conversation(
    request,
    interview: InterviewRequest,
    *,
    questions=None,
    answer_form: AnswerForm | None = None,
    message_form: MessageForm | None = None,
):
    """The conversation page: the request, the decision and answers, the thread."""
    side = interview.side_of(request.user)
    why_no_reply = interview.why_no_reply(side)
    if message_form is None and not why_no_reply:
        message_form = MessageForm()
    return render(
        request,
        "interviews/detail.html",
        {
            "interview": interview,
            "questions": questions
            if questions is not None
            else list(interview.questions.all()),
            "form": answer_form,
            "thread": interview.messages.all(),
            "message_form": message_form,
            "why_no_reply": why_no_reply if side else "",
            "is_therapist": side == InterviewMessage.Side.THERAPIST,
            "is_client": side == InterviewMessage.Side.CLIENT,
            "report_form": AbuseReportForm(),
        },
    )


@require_POST
@login_required
def reply(request, pk):
    """Write in the thread: the client or the therapist, never anyone else."""
    interview = get_object_or_404(
        InterviewRequest.objects.involving(request.user).select_related(
            "therapist__user", "client"
        ),
        pk=pk,
    )
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            MESSAGES.hit(f"user:{request.user.pk}", client_ip(request))
            message = post_message(interview=interview, author=request.user, form=form)
        except RateLimited as limited:
            form.add_error("body", f"Your message is not sent. {limited.message}")
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            notify_of_message(request, interview, message)
            messages.success(request, "Your message is sent.")
            return redirect(f"{interview.get_absolute_url()}#message-{message.pk}")
    return render_conversation(request, interview, message_form=form)


def notify_of_message(request, interview, message: InterviewMessage) -> None:
    """Tell the other side someone wrote; the message itself stays on the site,
    so no health detail travels by email."""
    if message.author_side == InterviewMessage.Side.CLIENT:
        author = interview.client.first_name or "Your client"
        recipient = interview.therapist.user
    else:
        author = interview.therapist.display_name
        recipient = interview.client
    notifications.notify(
        subject=f"New message from {author}",
        body=render_to_string(
            "interviews/email/message.txt",
            {
                "author": author,
                "recipient": recipient,
                "link": request.build_absolute_uri(interview.get_absolute_url()),
            },
        ),
        to=recipient.email,
    )


@require_POST
@login_required
def report_abuse(request, pk):
    interview = get_object_or_404(
        InterviewRequest.objects.involving(request.user), pk=pk
    )
    form = AbuseReportForm(request.POST)
    if form.is_valid():
        try:
            REPORTS.hit(f"user:{request.user.pk}", client_ip(request))
        except RateLimited as limited:
            messages.error(request, f"Your report is not sent. {limited.message}")
            return redirect(interview.get_absolute_url())
        # Reports add up: a later one never hides an earlier one.
        reason = form.cleaned_data["reason"]
        if interview.report_reason:
            who = "client" if interview.client_id == request.user.pk else "therapist"
            reason = f"{interview.report_reason}\n[later, by the {who}] {reason}"
        interview.reported_at = interview.reported_at or timezone.now()
        interview.report_reason = reason[:REPORT_REASON_MAX]
        interview.save(update_fields=["reported_at", "report_reason"])
        messages.success(request, "Thank you: our staff will read this conversation.")
    else:
        messages.error(request, "Say briefly what happened so our staff can help.")
    return redirect(interview.get_absolute_url())
