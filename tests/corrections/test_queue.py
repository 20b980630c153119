"""The staff queue of reports: who may see it, its filters, recording an
outcome (logged, insert-only), and its query budget."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.records import ImmutableRecord
from corrections.models import Report, ReportEvent
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("corrections:queue")
REVIEW = "corrections.review_report"


def detail_url(report) -> str:
    return reverse("corrections:detail", kwargs={"pk": report.pk})


def make_report(therapist=None, **overrides) -> Report:
    fields = {
        "therapist": therapist or factories.make_therapist(),
        "reason": Report.Reason.PRICE,
        "detail": "It is $140 now.",
    }
    fields.update(overrides)
    return Report.objects.create(**fields)


@pytest.fixture
def reviewer(db):
    return factories.make_staff_user(
        permissions=[REVIEW], first_name="Rita", last_name="Reviewer"
    )


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def report(therapist):
    return make_report(therapist, email="ana@example.org")


def shown(response) -> list[int]:
    return [r.pk for r in response.context["page_obj"].object_list]


# --- who may see it -----------------------------------------------------------


@pytest.mark.parametrize("page", ["queue", "detail"])
def test_anonymous_visitors_are_sent_to_log_in(client, report, page):
    url = QUEUE_URL if page == "queue" else detail_url(report)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("who", ["client", "therapist", "staff without permission"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_people_without_the_permission_are_refused_and_nothing_changes(
    client, report, other_therapist, who, method
):
    user = {
        "client": factories.make_user,
        "therapist": lambda: other_therapist.user,
        "staff without permission": lambda: factories.make_user(is_staff=True),
    }[who]()
    client.force_login(user)

    for url in (QUEUE_URL, detail_url(report)):
        send = client.get if method == "get" else client.post
        assert send(url, {"outcome": "spam"}).status_code == 403

    report.refresh_from_db()
    assert report.is_open
    assert ReportEvent.objects.count() == 0


def test_the_owner_of_the_profile_cannot_see_reports_about_it(client, report):
    client.force_login(report.therapist.user)

    assert client.get(detail_url(report)).status_code == 403


@pytest.mark.parametrize("who", ["reviewer", "superuser"])
def test_staff_with_the_permission_see_the_queue_and_a_report(
    client, report, reviewer, staff_user, who
):
    client.force_login(reviewer if who == "reviewer" else staff_user)

    queue = client.get(QUEUE_URL)
    detail = client.get(detail_url(report))

    assert queue.status_code == detail.status_code == 200
    assert shown(queue) == [report.pk]
    page = detail.content.decode()
    assert "The price is wrong" in page
    assert "It is $140 now." in page
    assert "ana@example.org" in page


def test_the_nav_links_the_queue_for_those_who_may_use_it(client, reviewer):
    client.force_login(reviewer)
    assert f'<a href="{QUEUE_URL}"' in client.get(reverse("home")).content.decode()

    client.force_login(factories.make_user(is_staff=True))
    assert f'<a href="{QUEUE_URL}"' not in client.get(reverse("home")).content.decode()


# --- filters ---------------------------------------------------------------------


@pytest.fixture
def mixed(therapist):
    """Two open reports (the older about the price) and a closed one."""
    older = make_report(therapist)
    newer = make_report(therapist, reason=Report.Reason.CLOSED, detail="")
    closed = make_report(
        therapist, outcome=Report.Outcome.SPAM, closed_at=timezone.now()
    )
    return older, newer, closed


def test_the_queue_opens_on_open_reports_oldest_first(reviewer_client, mixed):
    older, newer, _ = mixed

    assert shown(reviewer_client.get(QUEUE_URL)) == [older.pk, newer.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "closed"}, [2]),
        ({"status": "any"}, [0, 1, 2]),
        ({"status": "any", "sort": "newest"}, [2, 1, 0]),
        ({"reason": "closed"}, [1]),
        ({"status": "any", "reason": "price"}, [0, 2]),
    ],
)
def test_filters_by_status_and_reason(reviewer_client, mixed, query, expected):
    response = reviewer_client.get(QUEUE_URL, query)

    assert shown(response) == [mixed[i].pk for i in expected]


@pytest.mark.parametrize("query", [{"status": "lost"}, {"reason": "rude"}])
def test_a_bad_filter_says_so_and_lists_nothing(reviewer_client, mixed, query):
    response = reviewer_client.get(QUEUE_URL, query)

    assert response.status_code == 200
    assert "The reports could not be filtered." in response.content.decode()
    assert shown(response) == []


def test_the_queue_costs_the_same_however_many_reports(
    reviewer_client, django_assert_max_num_queries
):
    for n in range(30):
        make_report(reason=Report.Reason.choices[n % 6][0], detail=f"Report {n}")
    # Session, user, two for permissions, the nav's own-profile lookup, the
    # count and one page of reports with their therapists; the session's
    # save in a savepoint.
    with django_assert_max_num_queries(10):
        response = reviewer_client.get(QUEUE_URL, {"status": "any"})
    assert len(shown(response)) == 30


def test_a_report_page_costs_a_fixed_number_of_queries(
    reviewer_client, report, reviewer, django_assert_max_num_queries
):
    for outcome in ("asked", "fixed", "no_change"):
        ReportEvent.objects.create(
            report=report, actor=reviewer, outcome=outcome, note="Checked."
        )
    # As the queue, with the report and its therapist, and the log with its
    # actors.
    with django_assert_max_num_queries(10):
        response = reviewer_client.get(detail_url(report))
    assert response.content.decode().count("by Rita Reviewer") == 3


# --- outcomes ----------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["fixed", "no_change", "spam"])
def test_an_outcome_closes_the_report_and_is_logged(
    reviewer_client, reviewer, report, outcome, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(
            detail_url(report), {"outcome": outcome, "note": "Checked the website."}
        )

    assert response.status_code == 302
    assert response["Location"] == QUEUE_URL
    report.refresh_from_db()
    assert report.outcome == outcome
    assert report.closed_at is not None
    (event,) = ReportEvent.objects.all()
    assert (event.report_id, event.actor, event.outcome, event.note) == (
        report.pk,
        reviewer,
        outcome,
        "Checked the website.",
    )
    assert event.created_at is not None
    assert mail.outbox == []


def test_asking_the_therapist_to_fix_it_emails_them_the_note(
    reviewer_client, report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reviewer_client.post(
            detail_url(report),
            {"outcome": "asked", "note": "Please update your price to $140."},
        )

    (message,) = mail.outbox
    assert message.to == [report.therapist.user.email]
    assert "Please check your profile" in message.subject
    assert "the price is wrong" in message.body
    assert "Please update your price to $140." in message.body
    assert "http://testserver/dashboard/" in message.body
    # Never who reported it.
    assert "ana@example.org" not in message.body
    assert "It is $140 now." not in message.body


def test_asking_the_therapist_needs_a_note(reviewer_client, report):
    response = reviewer_client.post(detail_url(report), {"outcome": "asked"})

    assert response.status_code == 200
    assert "Tell the therapist what to check or fix." in response.content.decode()
    report.refresh_from_db()
    assert report.is_open
    assert ReportEvent.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("data", [{}, {"outcome": "ignored"}])
def test_a_bad_outcome_is_explained_and_changes_nothing(reviewer_client, report, data):
    response = reviewer_client.post(detail_url(report), data)

    assert response.status_code == 200
    assert "Choose an outcome" in response.content.decode()
    report.refresh_from_db()
    assert report.is_open
    assert ReportEvent.objects.count() == 0


def test_a_later_outcome_is_logged_after_the_first(reviewer_client, report):
    reviewer_client.post(detail_url(report), {"outcome": "asked", "note": "Fix it."})
    reviewer_client.post(detail_url(report), {"outcome": "fixed", "note": "Done."})

    report.refresh_from_db()
    assert report.outcome == "fixed"
    assert [e.outcome for e in ReportEvent.objects.for_report(report)] == [
        "asked",
        "fixed",
    ]


def test_staff_never_decide_on_a_report_about_their_own_profile(client):
    staff_therapist = factories.make_therapist(
        user=factories.make_staff_user(permissions=[REVIEW])
    )
    report = make_report(staff_therapist)
    client.force_login(staff_therapist.user)

    page = client.get(detail_url(report)).content.decode()
    response = client.post(detail_url(report), {"outcome": "no_change"})

    assert "another member of staff decides on it" in page
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.is_open
    assert ReportEvent.objects.count() == 0


def test_a_404_for_a_report_that_does_not_exist(reviewer_client):
    assert reviewer_client.get("/staff/reports/999999/").status_code == 404


# --- the log is insert-only -----------------------------------------------------------


@pytest.fixture
def event(report, reviewer):
    return ReportEvent.objects.create(
        report=report, actor=reviewer, outcome="no_change", note="Looks right."
    )


def test_a_logged_outcome_cannot_be_changed(event):
    event.note = "Something else"
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        ReportEvent.objects.filter(pk=event.pk).update(note="Rewritten")
    event.refresh_from_db()
    assert event.note == "Looks right."


def test_a_logged_outcome_cannot_be_deleted(event):
    with pytest.raises(ImmutableRecord):
        event.delete()
    with pytest.raises(ImmutableRecord):
        ReportEvent.objects.all().delete()
    assert ReportEvent.objects.filter(pk=event.pk).exists()


def test_the_log_outlives_a_report_deleted_with_its_therapist(event, report):
    report.therapist.user.delete()

    assert not Report.objects.exists()
    assert ReportEvent.objects.get(pk=event.pk).report_id == report.pk


def test_the_history_keeps_an_outcome_whose_staff_account_was_deleted(
    reviewer_client, report
):
    gone = factories.make_staff_user(permissions=[REVIEW])
    ReportEvent.objects.create(report=report, actor=gone, outcome="spam", note="Ads.")
    gone.delete()

    page = reviewer_client.get(detail_url(report)).content.decode()

    assert "by a former member of staff" in page
    assert "“Ads.”" in page


def test_only_staff_who_may_edit_therapists_are_offered_the_admin(
    client, report, reviewer, staff_user
):
    admin_link = reverse(
        "admin:therapists_therapist_change", args=[report.therapist.pk]
    )
    client.force_login(reviewer)
    assert admin_link not in client.get(detail_url(report)).content.decode()

    client.force_login(staff_user)
    assert admin_link in client.get(detail_url(report)).content.decode()
