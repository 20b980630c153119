import pytest
from django.core import mail
from django.urls import reverse

from tests import factories
from tests.accounts.helpers import (
    NEW_PASSWORD,
    PASSWORD,
    field_error,
    link_in,
    logged_in_user_id,
)

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
LOGOUT_URL = reverse("logout")
ME_URL = reverse("accounts:me")
NOT_ACTIVE_HINT = "If you signed up recently, confirm your email address first."


def log_in(client, email, password=PASSWORD):
    return client.post(LOGIN_URL, {"username": email, "password": password})


def test_login_page_asks_for_email_and_links_to_help(client):
    response = client.get(LOGIN_URL)
    html = response.content.decode()
    assert '<label for="id_username">Email</label>' in html
    assert 'autocomplete="email"' in html
    assert reverse("password_reset") in html
    assert reverse("accounts:resend") in html


def test_login_with_email_in_any_case_works_for_an_active_user(client):
    user = factories.make_account("imani@example.org")
    response = log_in(client, "  IMANI@Example.org ")
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    assert logged_in_user_id(client) == str(user.pk)


def test_login_lands_a_client_on_the_account_page(client):
    factories.make_account("imani@example.org")
    response = client.post(
        LOGIN_URL, {"username": "imani@example.org", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == ME_URL
    assert "imani@example.org" in response.content.decode()


def test_login_lands_a_therapist_on_the_dashboard(client):
    user = factories.make_account("dana@example.org")
    factories.make_therapist(user=user)
    response = client.post(
        LOGIN_URL, {"username": "dana@example.org", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert response.status_code == 200


def test_unconfirmed_user_cannot_log_in_and_is_told_to_confirm(client):
    factories.make_account("imani@example.org", is_active=False)
    response = log_in(client, "imani@example.org")
    assert response.status_code == 200
    assert NOT_ACTIVE_HINT in response.content.decode()
    assert logged_in_user_id(client) is None


def test_wrong_password_shows_the_error_keeps_the_email_and_starts_no_session(client):
    factories.make_account("imani@example.org")
    response = log_in(client, "imani@example.org", "not-my-password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "That email and password do not match an active account." in html
    assert 'value="imani@example.org"' in html
    assert "not-my-password" not in html
    assert logged_in_user_id(client) is None


def test_account_home_sends_visitors_to_log_in(client):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url == LOGIN_URL


def test_logout_is_a_form_in_the_navigation(client):
    client.force_login(factories.make_account())
    html = client.get(ME_URL).content.decode()
    assert f'<form method="post" action="{LOGOUT_URL}"' in html
    assert ">Log out</button>" in html


def test_posting_to_logout_ends_the_session(client):
    client.force_login(factories.make_account())
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in_user_id(client) is None
    assert client.get(ME_URL).status_code == 302


def test_get_on_logout_does_not_log_out(client):
    user = factories.make_account()
    client.force_login(user)
    response = client.get(LOGOUT_URL)
    assert response.status_code == 405
    assert logged_in_user_id(client) == str(user.pk)
    assert client.get(ME_URL).status_code == 200


def test_password_reset_emails_a_link_that_sets_a_new_password(client):
    user = factories.make_account("imani@example.org")
    response = client.post(reverse("password_reset"), {"email": "Imani@Example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["imani@example.org"]
    assert message.subject == "Reset your Back Care Directory password"

    form_page = client.get(link_in(message), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert log_in(client, "imani@example.org", NEW_PASSWORD).status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_password_reset_link_works_only_once(client):
    factories.make_account("imani@example.org")
    client.post(reverse("password_reset"), {"email": "imani@example.org"})
    link = link_in(mail.outbox[0])
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link, follow=True)
    html = response.content.decode()
    assert "This link does not work" in html
    assert 'name="new_password1"' not in html


def test_password_reset_for_an_unknown_address_sends_nothing_and_looks_the_same(
    client,
):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_logged_in_user_can_change_their_password(client):
    user = factories.make_account()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Password changed" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The session survives the change.
    assert logged_in_user_id(client) == str(user.pk)


def test_password_change_refuses_a_wrong_old_password(client):
    user = factories.make_account()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "not-my-password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "incorrectly" in field_error(response, "old_password")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
