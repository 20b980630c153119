import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:interviews_interviewrequest_changelist")


def test_staff_with_the_permission_see_only_reported_conversations(client):
    staff = factories.make_staff_user(
        permissions=["interviews.review_abuse_report"], username="mod"
    )
    quiet = factories.make_interview()
    reported = factories.make_interview()
    reported.reported_at = timezone.now()
    reported.report_reason = "Rude reply"
    reported.save()
    client.force_login(staff)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown == [reported]
    assert quiet not in shown
    detail = reverse("admin:interviews_interviewrequest_change", args=[quiet.pk])
    assert client.get(detail).status_code in (302, 404)


def test_conversations_cannot_be_changed_or_deleted_in_the_admin(client):
    staff = factories.make_staff_user(
        permissions=["interviews.review_abuse_report"], username="mod"
    )
    reported = factories.make_interview()
    reported.reported_at = timezone.now()
    reported.save()
    client.force_login(staff)
    delete = reverse("admin:interviews_interviewrequest_delete", args=[reported.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert type(reported).objects.filter(pk=reported.pk).exists()


def test_staff_without_the_permission_cannot_open_conversations(client):
    client.force_login(factories.make_staff_user(username="plain"))
    assert client.get(CHANGELIST).status_code == 403
