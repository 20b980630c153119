import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from core.models import OutgoingMail
from core.notifications import send_mail_task
from tests import factories

pytestmark = pytest.mark.django_db


def test_password_reset_mail_is_queued_for_the_worker_with_only_its_key(
    client, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.make_account("imani@example.org")

    response = client.post(reverse("password_reset"), {"email": "imani@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []  # the page does not wait on the mail server
    queued = OutgoingMail.objects.get()
    assert queued.subject == "Reset your Back Care Directory password"
    assert "/accounts/reset/" in queued.body
    (task_row,) = DBTaskResult.objects.all()
    # The reset link is in the mail's row only, never in the task queue.
    assert task_row.args_kwargs == {"args": [str(queued.key)], "kwargs": {}}

    send_mail_task.call(str(queued.key))

    (message,) = mail.outbox
    assert message.to == ["imani@example.org"]
    assert "/accounts/reset/" in message.body
    queued.refresh_from_db()
    assert queued.body == ""
