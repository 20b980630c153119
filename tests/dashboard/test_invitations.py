"""Review invitations from the dashboard: a cap on the therapist's open ones,
counted under a lock, and limits per account and per IP in the shared cache.
A refused invitation is explained and creates nothing."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reviews import writing
from reviews.models import INVITATION_DAYS, ReviewInvitation
from tests import factories

pytestmark = pytest.mark.django_db

INVITE = reverse("dashboard:invite")


def messages_on(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def owner(client, therapist):
    client.force_login(therapist.user)
    return client


def test_open_invitations_are_capped(owner, therapist):
    for _ in range(writing.MAX_OPEN_INVITATIONS):
        factories.make_invitation(therapist)

    response = owner.post(INVITE, {"note": "One too many"}, follow=True)

    assert f"You have {writing.MAX_OPEN_INVITATIONS} unused invitations" in messages_on(
        response
    )
    assert ReviewInvitation.objects.count() == writing.MAX_OPEN_INVITATIONS
    assert not ReviewInvitation.objects.filter(note="One too many").exists()


def test_used_and_lapsed_invitations_do_not_count_towards_the_cap(owner, therapist):
    for _ in range(writing.MAX_OPEN_INVITATIONS - 1):
        factories.make_invitation(therapist)
    factories.make_invitation(
        therapist, used_by=factories.make_user(), used_at=timezone.now()
    )
    lapsed = factories.make_invitation(therapist)
    ReviewInvitation.objects.filter(pk=lapsed.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=INVITATION_DAYS + 1)
    )

    owner.post(INVITE, {"note": "Still room"})

    assert ReviewInvitation.objects.filter(note="Still room").exists()


def test_other_therapists_invitations_do_not_count(owner, therapist, other_therapist):
    for _ in range(writing.MAX_OPEN_INVITATIONS):
        factories.make_invitation(other_therapist)

    owner.post(INVITE, {"note": "Mine"})

    assert ReviewInvitation.objects.filter(therapist=therapist, note="Mine").exists()


def test_cap_is_counted_inside_the_write(therapist):
    """create_invitation() counts under the therapist's lock, not the caller."""
    for _ in range(writing.MAX_OPEN_INVITATIONS):
        factories.make_invitation(therapist)

    with pytest.raises(ValidationError):
        writing.create_invitation(therapist=therapist, note="Raced")

    assert ReviewInvitation.objects.count() == writing.MAX_OPEN_INVITATIONS


def test_lapsed_invitation_no_longer_verifies(client, therapist):
    invitation = factories.make_invitation(therapist)
    ReviewInvitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=INVITATION_DAYS + 1)
    )
    client.force_login(factories.make_user())
    url = reverse("reviews:write", args=[therapist.slug])

    page = client.get(f"{url}?invite={invitation.token}")

    assert "already used or is not valid" in messages_on(page)


def test_invitations_per_account_are_limited(owner, therapist):
    limit = writing.INVITATIONS.count
    for number in range(limit):
        owner.post(INVITE, {"note": f"n{number}"}, REMOTE_ADDR=f"10.0.0.{number}")
        # Spend each at once so the cap on open ones is not what refuses.
        ReviewInvitation.objects.update(used_by=therapist.user, used_at=timezone.now())

    response = owner.post(INVITE, {"note": "Over"}, REMOTE_ADDR="10.0.9.9", follow=True)

    assert "Too many attempts. Please try again in" in messages_on(response)
    assert ReviewInvitation.objects.count() == limit
    assert not ReviewInvitation.objects.filter(note="Over").exists()


def test_invitations_per_ip_are_limited(client):
    limit = writing.INVITATIONS.count
    for _ in range(limit):
        client.force_login(factories.make_therapist().user)
        client.post(INVITE, {"note": "Same network"})
    client.force_login(factories.make_therapist().user)

    response = client.post(INVITE, {"note": "Over"}, follow=True)

    assert "Too many attempts. Please try again in" in messages_on(response)
    assert not ReviewInvitation.objects.filter(note="Over").exists()
