"""The therapist's hours page (/dashboard/hours/) and the one-click confirmation
of a next opening: who may use them, what saving does, and bad input refused
next to its field with nothing changed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from therapists import availability
from therapists.forms_hours import OpeningHoursFormSet
from therapists.models import OpeningHours, Therapist

pytestmark = pytest.mark.django_db

HOURS_URL = reverse("dashboard:hours")
CONFIRM_URL = reverse("dashboard:next-opening-confirm")
HOME_URL = reverse("dashboard:home")
PREFIX = OpeningHoursFormSet.get_default_prefix()
T = datetime.time


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def week_data(rows, *, initial=0, next_opening="", **extra) -> dict:
    """The page's POST: rows of (id or None, weekday, opens, closes, delete)."""
    data = {
        f"{PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{PREFIX}-INITIAL_FORMS": str(initial),
        "next_opening_on": next_opening,
    }
    for n, (pk, weekday, opens, closes, delete) in enumerate(rows):
        data[f"{PREFIX}-{n}-id"] = str(pk or "")
        data[f"{PREFIX}-{n}-weekday"] = str(weekday)
        data[f"{PREFIX}-{n}-opens"] = opens
        data[f"{PREFIX}-{n}-closes"] = closes
        if delete:
            data[f"{PREFIX}-{n}-DELETE"] = "on"
    data.update(extra)
    return data


def stored(therapist) -> list[tuple]:
    return list(
        OpeningHours.objects.filter(therapist=therapist).values_list(
            "weekday", "opens", "closes"
        )
    )


def snapshot(therapist) -> tuple:
    row = Therapist.objects.filter(pk=therapist.pk).values().get()
    row.pop("updated_at")
    return stored(therapist), row


@pytest.fixture
def owner(client, therapist):
    therapist.details_confirmed_on = timezone.localdate() - datetime.timedelta(days=80)
    therapist.save()
    client.force_login(therapist.user)
    return therapist


# --- who may --------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, therapist):
    for response in (
        client.get(HOURS_URL),
        client.post(HOURS_URL, week_data([(None, 0, "09:00", "17:00", False)])),
        client.post(CONFIRM_URL),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert stored(therapist) == []


def test_a_client_has_no_hours_page(client, client_user):
    client.force_login(client_user)
    assert client.get(HOURS_URL).status_code == 403
    assert client.post(HOURS_URL, week_data([])).status_code == 403
    assert client.post(CONFIRM_URL).status_code == 403


def test_staff_without_a_profile_have_no_hours_page(client, staff_user, therapist):
    client.force_login(staff_user)
    before = snapshot(therapist)
    assert client.get(HOURS_URL).status_code == 403
    response = client.post(HOURS_URL, week_data([(None, 0, "09:00", "17:00", False)]))
    assert response.status_code == 403
    assert snapshot(therapist) == before


def test_another_therapist_only_ever_edits_their_own_hours(
    client, therapist, other_therapist
):
    mine = OpeningHours.objects.create(
        therapist=therapist, weekday=0, opens=T(9), closes=T(17)
    )
    client.force_login(other_therapist.user)
    # Naming the owner's row id in their own formset changes nothing of it.
    response = client.post(
        HOURS_URL,
        week_data([(mine.pk, 0, "06:00", "23:00", False)], initial=1),
    )
    # Not one of their rows: Django's formset leaves it out altogether.
    assert response.status_code in (200, 302)
    mine.refresh_from_db()
    assert (mine.opens, mine.closes) == (T(9), T(17))
    assert stored(other_therapist) == []


def test_the_owner_sees_the_page_with_rows_and_the_local_time_note(client, owner):
    OpeningHours.objects.create(therapist=owner, weekday=2, opens=T(9), closes=T(13))
    page = client.get(HOURS_URL).content.decode()
    assert "Times are the therapist’s local time." in page
    assert "Wednesday 9 am – 1 pm" in page
    assert 'name="add_rows"' in page
    assert "Remove this range" in page


# --- saving ---------------------------------------------------------------------


def test_saving_stores_the_week_recounts_the_bits_and_confirms_details(client, owner):
    response = client.post(
        HOURS_URL,
        week_data(
            [
                (None, 0, "09:00", "12:00", False),
                (None, 0, "13:00", "19:30", False),
                (None, 5, "10:00", "14:00", False),
                (None, "", "", "", False),  # an empty row is ignored
            ],
            next_opening=in_days(4).isoformat(),
        ),
    )
    assert response.status_code == 302
    assert response.url == HOME_URL
    owner.refresh_from_db()
    assert sorted(stored(owner)) == [
        (0, T(9), T(12)),
        (0, T(13), T(19, 30)),
        (5, T(10), T(14)),
    ]
    assert owner.hours_bits == availability.mask_of(["evenings", "weekends"])
    assert owner.next_opening_on == in_days(4)
    assert owner.next_opening_confirmed_on == timezone.localdate()
    assert owner.details_confirmed_on == timezone.localdate()


def test_removing_a_range_recounts_the_bits(client, owner):
    late = OpeningHours.objects.create(
        therapist=owner, weekday=1, opens=T(12), closes=T(20)
    )
    day = OpeningHours.objects.create(
        therapist=owner, weekday=2, opens=T(9), closes=T(17)
    )
    client.post(
        HOURS_URL,
        week_data(
            [
                (late.pk, 1, "12:00", "20:00", True),
                (day.pk, 2, "09:00", "17:00", False),
            ],
            initial=2,
        ),
    )
    owner.refresh_from_db()
    assert stored(owner) == [(2, T(9), T(17))]
    assert owner.hours_bits == 0


def test_clearing_the_next_opening_clears_its_confirmation(client, owner):
    Therapist.objects.filter(pk=owner.pk).update(
        next_opening_on=in_days(2), next_opening_confirmed_on=in_days(-1)
    )
    client.post(HOURS_URL, week_data([], next_opening=""))
    owner.refresh_from_db()
    assert (owner.next_opening_on, owner.next_opening_confirmed_on) == (None, None)


def test_add_more_rows_keeps_what_was_typed_and_saves_nothing(client, owner):
    data = week_data([(None, 3, "09:00", "17:00", False)], add_rows="1")
    response = client.post(HOURS_URL, data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 3
    assert formset.forms[0]["opens"].value() == "09:00"
    assert stored(owner) == []


# --- bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        (
            [(None, 0, "17:00", "09:00", False)],
            "closes",
            "The closing time must be after the opening time.",
        ),
        (
            [(None, 0, "09:00", "09:00", False)],
            "closes",
            "The closing time must be after the opening time.",
        ),
        (
            [(None, 4, "09:00", "14:00", False), (None, 4, "13:00", "18:00", False)],
            "opens",
            "This overlaps Friday 9 am – 2 pm",
        ),
        (
            [(None, 4, "09:00", "14:00", False), (None, 4, "09:00", "14:00", False)],
            "opens",
            "This range is listed twice",
        ),
        ([(None, 9, "09:00", "14:00", False)], "weekday", "Choose a day"),
        ([(None, 1, "9 o'clock", "14:00", False)], "opens", "hours and minutes"),
        ([(None, 1, "", "14:00", False)], "opens", "Enter the opening time"),
    ],
)
def test_bad_ranges_are_refused_next_to_the_field_and_change_nothing(
    client, owner, rows, field, message
):
    OpeningHours.objects.create(therapist=owner, weekday=6, opens=T(9), closes=T(12))
    changes_before = snapshot(owner)
    response = client.post(HOURS_URL, week_data(rows))
    assert response.status_code == 200
    errors = [
        str(error)
        for form in response.context["formset"].forms
        for error in form.errors.get(field, [])
    ]
    assert any(message in error for error in errors), errors
    assert f'id="id_{PREFIX}-' in response.content.decode()
    assert "field__error" in response.content.decode()
    assert snapshot(owner) == changes_before


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (in_days(-1).isoformat(), "That date has passed"),
        (in_days(400).isoformat(), "within the next year"),
        ("next tuesday", "Enter a date"),
    ],
)
def test_a_bad_next_opening_is_refused_next_to_its_field(client, owner, day, message):
    before = snapshot(owner)
    response = client.post(
        HOURS_URL, week_data([(None, 0, "09:00", "17:00", False)], next_opening=day)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["next_form"].errors["next_opening_on"])
    assert 'id="id_next_opening_on_error"' in response.content.decode()
    assert snapshot(owner) == before


def test_a_garbled_management_form_is_an_error_never_a_500(client, owner):
    response = client.post(
        HOURS_URL, {f"{PREFIX}-TOTAL_FORMS": "x", f"{PREFIX}-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 200
    response = client.post(
        HOURS_URL,
        {f"{PREFIX}-TOTAL_FORMS": "nope", "add_rows": "1"},
    )
    assert response.status_code == 200
    assert stored(owner) == []


def test_a_huge_declared_row_count_builds_a_bounded_formset(client, owner):
    response = client.post(
        HOURS_URL,
        {
            f"{PREFIX}-TOTAL_FORMS": "100000",
            f"{PREFIX}-INITIAL_FORMS": "0",
            "add_rows": "1",
        },
    )
    assert response.status_code == 200
    assert len(response.context["formset"].forms) <= 32


# --- confirming the next opening --------------------------------------------------


def test_the_owner_confirms_the_next_opening_in_one_click(client, owner):
    Therapist.objects.filter(pk=owner.pk).update(
        next_opening_on=in_days(3), next_opening_confirmed_on=in_days(-20)
    )
    owner.refresh_from_db()
    assert not owner.next_opening.shown
    assert "Yes," in client.get(HOURS_URL).content.decode()

    response = client.post(CONFIRM_URL)

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.next_opening_confirmed_on == timezone.localdate()
    assert owner.next_opening.shown


def test_a_passed_or_missing_next_opening_cannot_be_confirmed(client, owner):
    response = client.post(CONFIRM_URL, follow=True)
    assert "Nothing confirmed" in response.content.decode()
    Therapist.objects.filter(pk=owner.pk).update(
        next_opening_on=in_days(-2), next_opening_confirmed_on=in_days(-5)
    )
    client.post(CONFIRM_URL)
    owner.refresh_from_db()
    assert owner.next_opening_confirmed_on == in_days(-5)


def test_the_confirm_button_is_post_only(client, owner):
    assert client.get(CONFIRM_URL).status_code == 405


# --- the dashboard card --------------------------------------------------------------


def test_the_dashboard_home_has_an_hours_card(client, owner):
    page = client.get(HOME_URL).content.decode()
    assert "Hours and next opening" in page
    assert "You have not listed your weekly hours yet" in page
    assert HOURS_URL in page
    OpeningHours.objects.create(therapist=owner, weekday=5, opens=T(10), closes=T(14))
    page = client.get(HOME_URL).content.decode()
    assert "Saturday" in page and "10 am – 2 pm" in page


def test_another_therapists_page_shows_only_their_own(
    client, therapist, other_therapist
):
    OpeningHours.objects.create(
        therapist=therapist, weekday=0, opens=T(7), closes=T(11)
    )
    client.force_login(other_therapist.user)
    page = client.get(HOURS_URL).content.decode()
    assert "Monday 7 am – 11 am" not in page


def test_hours_bits_always_equal_a_fresh_recount_after_random_edits(client, owner):
    import random

    rng = random.Random(16)  # noqa: S311 - a reproducible sequence of edits
    for _ in range(12):
        rows = [
            (row.pk, row.weekday, f"{row.opens:%H:%M}", f"{row.closes:%H:%M}", True)
            for row in OpeningHours.objects.filter(therapist=owner)
            if rng.random() < 0.5
        ]
        kept = OpeningHours.objects.filter(therapist=owner).exclude(
            pk__in=[pk for pk, *_ in rows]
        )
        rows += [
            (row.pk, row.weekday, f"{row.opens:%H:%M}", f"{row.closes:%H:%M}", False)
            for row in kept
        ]
        initial = len(rows)
        taken = {(day, opens) for _, day, opens, _, delete in rows if not delete}
        day, start = rng.randrange(7), rng.choice(range(6, 20, 2))
        if all(d != day for d, _ in taken):
            rows.append((None, day, f"{start:02d}:00", f"{start + 2:02d}:00", False))
        client.post(HOURS_URL, week_data(rows, initial=initial))
        owner.refresh_from_db()
        assert owner.hours_bits == availability.bits_of(
            OpeningHours.objects.filter(therapist=owner).as_ranges()
        )
    assert OpeningHours.objects.filter(therapist=owner).exists()


def test_a_new_range_overlapping_a_stored_unchanged_one_is_refused(client, owner):
    kept = OpeningHours.objects.create(
        therapist=owner, weekday=1, opens=T(12), closes=T(20)
    )
    response = client.post(
        HOURS_URL,
        week_data(
            [
                (kept.pk, 1, "12:00", "20:00", False),
                (None, 1, "13:00", "15:00", False),
            ],
            initial=1,
        ),
    )
    assert response.status_code == 200
    assert "This overlaps Tuesday 12 pm – 8 pm" in response.content.decode()
    assert stored(owner) == [(1, T(12), T(20))]


def test_a_passed_next_opening_is_not_offered_again_so_saving_works(client, owner):
    Therapist.objects.filter(pk=owner.pk).update(
        next_opening_on=in_days(-3), next_opening_confirmed_on=in_days(-6)
    )
    response = client.get(HOURS_URL)
    assert response.context["next_form"]["next_opening_on"].value() is None
    response = client.post(HOURS_URL, week_data([(None, 2, "09:00", "17:00", False)]))
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.next_opening_on is None
