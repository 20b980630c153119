"""Anyone reports incorrect information on a profile: the form, its limits,
and what is saved (corrections.views.report)."""

import pytest
from django.test import Client
from django.urls import reverse

from corrections import decisions
from corrections.models import DETAIL_MAX_LENGTH, Report
from tests import factories

pytestmark = pytest.mark.django_db

THANKS = "Thank you. Our staff will check what you reported"


def report_url(therapist) -> str:
    return reverse("corrections:report", kwargs={"slug": therapist.slug})


def valid(**overrides) -> dict:
    data = {"reason": "price", "detail": "It is $140 now.", "email": ""}
    data.update(overrides)
    return data


def error_next_to(response, field: str) -> str:
    form = response.context["form"]
    return " ".join(form.errors.get(field, []))


def test_every_profile_links_to_the_report_form(client, therapist):
    page = client.get(therapist.get_absolute_url()).content.decode()

    assert f'href="{report_url(therapist)}">Report incorrect information</a>' in page


def test_anyone_signed_out_can_report_and_it_waits_for_staff(client, therapist):
    page = client.get(report_url(therapist)).content.decode()
    assert "Report incorrect information" in page
    assert "csrfmiddlewaretoken" in page
    assert page.count('type="radio" name="reason"') == len(Report.Reason)

    response = client.post(report_url(therapist), valid(), follow=True)

    assert response.redirect_chain == [(therapist.get_absolute_url(), 302)]
    assert THANKS in response.content.decode()
    (report,) = Report.objects.all()
    assert (report.therapist, report.reason, report.detail) == (
        therapist,
        "price",
        "It is $140 now.",
    )
    assert report.is_open
    assert report.outcome == ""


def test_a_signed_in_client_can_report_with_an_email_to_hear_back(
    client, client_user, therapist
):
    client.force_login(client_user)

    client.post(
        report_url(therapist),
        valid(reason="closed", detail="", email="ana@example.org"),
    )

    (report,) = Report.objects.all()
    assert (report.reason, report.detail, report.email) == (
        "closed",
        "",
        "ana@example.org",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "reason", "Choose what is wrong."),
        (valid(reason=""), "reason", "Choose what is wrong."),
        (valid(reason="rude"), "reason", "Choose what is wrong from the list."),
        (
            valid(reason="other", detail="   "),
            "detail",
            "Say what is wrong when you choose “Something else”.",
        ),
        (
            valid(detail="x" * (DETAIL_MAX_LENGTH + 1)),
            "detail",
            f"Keep this under {DETAIL_MAX_LENGTH} characters.",
        ),
        (
            valid(email="not-an-address"),
            "email",
            "Enter an email address like name@example.org.",
        ),
    ],
    ids=[
        "empty",
        "no-reason",
        "unknown-reason",
        "other-without-detail",
        "too-long",
        "email",
    ],
)
def test_bad_input_is_explained_next_to_its_field_and_nothing_is_saved(
    client, therapist, data, field, message
):
    response = client.post(report_url(therapist), data)

    assert response.status_code == 200
    assert message in error_next_to(response, field)
    assert message in response.content.decode()
    assert Report.objects.count() == 0


def test_other_with_a_detail_is_accepted(client, therapist):
    client.post(report_url(therapist), valid(reason="other", detail="Wrong photo."))

    assert Report.objects.get().reason == "other"


def test_a_filled_in_hidden_field_looks_sent_but_saves_nothing(client, therapist):
    response = client.post(
        report_url(therapist), valid(website="http://spam.example"), follow=True
    )

    assert THANKS in response.content.decode()
    assert Report.objects.count() == 0


def test_the_hidden_field_is_hidden_from_people(client, therapist):
    page = client.get(report_url(therapist)).content.decode()

    start = page.index("<div hidden>")
    assert 'name="website"' in page[start : page.index("</div>", start)]


@pytest.mark.parametrize("how", ["unpublished", "unknown"])
def test_an_unpublished_or_unknown_profile_is_404(client, how):
    therapist = factories.make_therapist(is_published=False)
    url = (
        report_url(therapist) if how == "unpublished" else "/therapists/nobody/report/"
    )

    assert client.get(url).status_code == 404
    assert client.post(url, valid()).status_code == 404
    assert Report.objects.count() == 0


def test_the_owner_of_a_draft_cannot_report_it_either(client):
    draft = factories.make_therapist(is_published=False)
    client.force_login(draft.user)

    assert client.get(report_url(draft)).status_code == 404


def test_one_address_may_send_five_reports_an_hour(client, therapist, other_therapist):
    for n in range(decisions.PER_IP.count):
        target = therapist if n % 2 else other_therapist
        assert client.post(report_url(target), valid()).status_code == 302

    response = client.post(report_url(therapist), valid())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your report was not sent. Too many attempts." in page
    assert Report.objects.count() == decisions.PER_IP.count


def test_one_profile_takes_a_limited_number_of_reports_a_day(client, therapist):
    for n in range(decisions.PER_PROFILE.count):
        response = client.post(
            report_url(therapist), valid(), REMOTE_ADDR=f"10.0.{n // 250}.{n % 250}"
        )
        assert response.status_code == 302

    response = client.post(report_url(therapist), valid(), REMOTE_ADDR="10.9.9.9")

    assert "Your report was not sent. Too many attempts." in response.content.decode()
    assert Report.objects.count() == decisions.PER_PROFILE.count
    # Another profile is not affected.
    other = factories.make_therapist()
    assert (
        client.post(report_url(other), valid(), REMOTE_ADDR="10.9.9.9").status_code
        == 302
    )


def test_the_form_needs_a_csrf_token(therapist):
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(report_url(therapist), valid()).status_code == 403
    assert Report.objects.count() == 0
