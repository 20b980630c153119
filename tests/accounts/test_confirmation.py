import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tokens import email_confirmation_token
from tests import factories
from tests.accounts.helpers import link_in, logged_in_user_id

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("accounts:signup")
RESEND_URL = reverse("accounts:resend")


def sign_up(client, role="client", email="imani@example.org"):
    """Sign up through the form; return the new user and the emailed link."""
    client.post(
        SIGNUP_URL,
        {
            "first_name": "Imani",
            "last_name": "Okafor",
            "email": email,
            "role": role,
            "password1": "lantern-orchard-47",
            "password2": "lantern-orchard-47",
        },
    )
    user = get_user_model().objects.get(email=email)
    return user, link_in(mail.outbox[-1])


def confirm_url(uidb64, token):
    return reverse("accounts:confirm", kwargs={"uidb64": uidb64, "token": token})


def assert_link_refused(response):
    assert response.status_code == 400
    assert '<h1 class="page-title">This link does not work</h1>' in (
        response.content.decode()
    )


def test_opening_the_link_shows_a_button_and_changes_nothing(client):
    user, link = sign_up(client)
    response = client.get(link)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<form method="post" action="{link}"' in html
    assert ">Confirm my email address</button>" in html
    user.refresh_from_db()
    assert user.is_active is False
    assert logged_in_user_id(client) is None


def test_confirmation_link_activates_and_logs_in_a_client(client):
    user, link = sign_up(client)
    response = client.post(link, follow=True)
    user.refresh_from_db()
    assert user.is_active is True
    assert logged_in_user_id(client) == str(user.pk)
    assert response.redirect_chain[-1][0] == reverse("accounts:me")
    assert response.status_code == 200
    assert "Thank you: your email address is confirmed." in response.content.decode()


def test_confirmation_link_sends_a_therapist_to_the_dashboard(client):
    user, link = sign_up(client, role="therapist")
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert response.status_code == 200
    assert logged_in_user_id(client) == str(user.pk)


def test_tampered_token_is_refused_and_the_user_stays_inactive(client):
    user, link = sign_up(client)
    uidb64, token = link.strip("/").split("/")[-2:]
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert_link_refused(client.get(confirm_url(uidb64, tampered)))
    response = client.post(confirm_url(uidb64, tampered))
    assert_link_refused(response)
    user.refresh_from_db()
    assert user.is_active is False
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize(
    "uidb64",
    [
        "zz",  # not base64 of anything useful
        urlsafe_base64_encode(b"abc"),  # not a number
        urlsafe_base64_encode(b"\xff\xfe"),  # not UTF-8
        urlsafe_base64_encode(b"99999999999999999999999999"),  # too big an id
        urlsafe_base64_encode(b"424242"),  # nobody
    ],
    ids=["garbage", "not-a-number", "not-utf8", "overflow", "unknown-user"],
)
def test_bad_uid_in_the_link_is_refused_without_a_server_error(client, uidb64):
    user, link = sign_up(client)
    token = link.strip("/").split("/")[-1]
    assert_link_refused(client.get(confirm_url(uidb64, token)))
    assert_link_refused(client.post(confirm_url(uidb64, token)))
    user.refresh_from_db()
    assert user.is_active is False


def test_link_made_for_one_user_does_not_confirm_another(client):
    first, _ = sign_up(client, email="first@example.org")
    second, _ = sign_up(client, email="second@example.org")
    token = email_confirmation_token.make_token(first)
    response = client.get(
        confirm_url(urlsafe_base64_encode(force_bytes(second.pk)), token)
    )
    assert_link_refused(response)
    second.refresh_from_db()
    assert second.is_active is False


def test_used_confirmation_link_cannot_be_used_again(client):
    _, link = sign_up(client)
    client.post(link)
    client.logout()
    assert_link_refused(client.get(link))
    assert_link_refused(client.post(link))
    assert logged_in_user_id(client) is None


def test_resend_gives_the_same_answer_for_known_unknown_and_active_addresses(client):
    factories.make_account("waiting@example.org", is_active=False)
    factories.make_account("active@example.org")
    pages = []
    for email in ("waiting@example.org", "nobody@example.org", "active@example.org"):
        response = client.post(RESEND_URL, {"email": email})
        assert response.status_code == 200
        pages.append(response.content.decode().replace(email, "ADDRESS"))
    assert pages[0] == pages[1] == pages[2]
    assert "Check your email" in pages[0]


def test_resend_emails_a_working_link_only_to_an_unconfirmed_account(client):
    waiting = factories.make_account("waiting@example.org", is_active=False)
    factories.make_account("active@example.org")
    client.post(RESEND_URL, {"email": "nobody@example.org"})
    client.post(RESEND_URL, {"email": "active@example.org"})
    assert mail.outbox == []

    client.post(RESEND_URL, {"email": "Waiting@EXAMPLE.org"})
    (message,) = mail.outbox
    assert message.to == ["waiting@example.org"]
    client.post(link_in(message))
    waiting.refresh_from_db()
    assert waiting.is_active is True


def test_resend_with_an_invalid_address_shows_the_form_error(client):
    response = client.post(RESEND_URL, {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []


def test_account_deactivated_by_staff_cannot_reactivate_itself(client):
    user, old_link = sign_up(client)
    client.post(old_link)
    client.logout()
    user.refresh_from_db()
    user.is_active = False  # what unticking "Active" in the admin does
    user.save()

    client.post(RESEND_URL, {"email": "imani@example.org"})
    for link in [old_link] + [link_in(message) for message in mail.outbox[1:]]:
        client.post(link)

    user.refresh_from_db()
    assert user.is_active is False
    assert logged_in_user_id(client) is None


def test_someone_else_logged_in_is_told_and_never_switched(client):
    victim = factories.make_account("victim@example.org")
    attacker, link = sign_up(client, email="attacker@example.org")
    client.force_login(victim)

    response = client.get(link)
    html = response.content.decode()
    assert "You are logged in as victim@example.org" in html
    assert ">Confirm my email address</button>" not in html

    response = client.post(link)
    assert response.status_code == 403
    assert "You are logged in as victim@example.org" in response.content.decode()
    assert logged_in_user_id(client) == str(victim.pk)
    attacker.refresh_from_db()
    assert attacker.is_active is False
