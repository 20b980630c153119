import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests import factories
from tests.accounts.helpers import field_error, link_in
from therapists.models import Therapist

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("accounts:signup")
GOOD_PASSWORD = "lantern-orchard-47"


def signup_data(**overrides):
    data = {
        "first_name": "Imani",
        "last_name": "Okafor",
        "email": "Imani.Okafor@Example.org",
        "role": "client",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return data


def checked_roles(response) -> list[str]:
    """The values of the role radio buttons that are ticked."""
    inputs = re.findall(r'<input[^>]*name="role"[^>]*>', response.content.decode())
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in inputs
        if re.search(r"\bchecked\b", tag)
    ]


def test_client_sign_up_creates_an_inactive_user_named_by_lower_cased_email(client):
    response = client.post(SIGNUP_URL, signup_data())
    assert response.status_code == 200
    user = get_user_model().objects.get()
    assert user.username == "imani.okafor@example.org"
    assert user.email == "imani.okafor@example.org"
    assert (user.first_name, user.last_name) == ("Imani", "Okafor")
    assert user.is_active is False
    assert user.check_password(GOOD_PASSWORD)
    assert not Therapist.objects.exists()


def test_therapist_sign_up_creates_an_unpublished_draft_profile(client):
    client.post(
        SIGNUP_URL, signup_data(first_name="Ana", last_name="Lee", role="therapist")
    )
    therapist = Therapist.objects.get()
    assert therapist.user.username == "imani.okafor@example.org"
    assert therapist.user.is_active is False
    assert therapist.display_name == "Ana Lee"
    assert therapist.slug == "ana-lee"
    assert therapist.is_published is False
    assert not Therapist.objects.published().exists()


def test_second_therapist_with_the_same_name_gets_a_numbered_slug(client):
    for email in ("ana@example.org", "ana.lee@example.net"):
        client.post(
            SIGNUP_URL,
            signup_data(
                first_name="Ana", last_name="Lee", email=email, role="therapist"
            ),
        )
    slugs = dict(Therapist.objects.values_list("user__email", "slug"))
    assert slugs == {"ana@example.org": "ana-lee", "ana.lee@example.net": "ana-lee-2"}


def test_sign_up_emails_a_link_to_confirm_the_address(client):
    client.post(SIGNUP_URL, signup_data())
    (message,) = mail.outbox
    assert message.to == ["imani.okafor@example.org"]
    assert "Confirm your email" in message.subject
    assert "Hello Imani" in message.body
    assert link_in(message).startswith("/accounts/confirm/")


def test_sign_up_answers_with_check_your_email_and_the_address(client):
    response = client.post(SIGNUP_URL, signup_data())
    html = response.content.decode()
    assert '<h1 class="page-title">Check your email</h1>' in html
    assert "imani.okafor@example.org" in html


def test_sign_up_page_lets_the_visitor_choose_client_or_therapist(client):
    response = client.get(SIGNUP_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "I&#x27;m looking for a massage therapist" in html
    assert "I&#x27;m a massage therapist and want to be listed" in html
    assert checked_roles(response) == []


def test_role_therapist_in_the_address_preselects_the_therapist_radio(client):
    response = client.get(SIGNUP_URL, {"role": "therapist"})
    assert checked_roles(response) == ["therapist"]


def test_unknown_role_in_the_address_preselects_nothing(client):
    response = client.get(SIGNUP_URL, {"role": "admin"})
    assert response.status_code == 200
    assert checked_roles(response) == []


BAD_INPUT = [
    pytest.param(
        {"email": "TAKEN@example.ORG"},
        "email",
        "An account with this email already exists.",
        id="duplicate-email-other-case",
    ),
    pytest.param(
        {"password2": "lantern-orchard-48"},
        "password2",
        "The two passwords are different.",
        id="passwords-differ",
    ),
    pytest.param(
        {"password1": "qwertyuiop", "password2": "qwertyuiop"},
        "password1",
        "This password is too common.",
        id="common-password",
    ),
    pytest.param(
        {"password1": "k3y!", "password2": "k3y!"},
        "password1",
        "This password is too short.",
        id="short-password",
    ),
    pytest.param(
        {"password1": "12345678", "password2": "12345678"},
        "password1",
        "This password is too common.",
        id="common-numeric-password",
    ),
    pytest.param(
        {"first_name": ""},
        "first_name",
        "This field is required.",
        id="missing-first-name",
    ),
    pytest.param(
        {"last_name": "   "},
        "last_name",
        "This field is required.",
        id="blank-last-name",
    ),
    pytest.param(
        {"email": "imani.example.org"},
        "email",
        "Enter a valid email address.",
        id="not-an-email",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_sign_up_shows_the_message_by_the_field_keeps_typing_and_creates_nobody(
    client, overrides, field, message
):
    taken = factories.make_account("taken@example.org")
    data = signup_data(role="therapist", **overrides)
    response = client.post(SIGNUP_URL, data)

    assert response.status_code == 200
    assert message in field_error(response, field)
    html = response.content.decode()
    for name in ("first_name", "last_name", "email"):
        if data[name].strip():
            assert f'value="{data[name]}"' in html
    assert checked_roles(response) == ["therapist"]
    assert data["password1"] not in html
    assert data["password2"] not in html
    assert list(get_user_model().objects.all()) == [taken]
    assert not Therapist.objects.exists()
    assert mail.outbox == []


def test_passwords_that_differ_leave_the_first_password_field_without_error(client):
    response = client.post(SIGNUP_URL, signup_data(password2="something-else-9"))
    assert field_error(response, "password1") == ""
    assert field_error(response, "password2") == "The two passwords are different."


def test_duplicate_email_matches_an_account_whose_username_is_the_address(client):
    factories.make_user(username="imani.okafor@example.org", email="")
    response = client.post(SIGNUP_URL, signup_data())
    assert "already exists" in field_error(response, "email")
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"role": "admin"},
        {"email": "x@example.org", "password1": "a", "role": "client"},
        signup_data(password1="", password2=""),
    ],
    ids=["empty", "unknown-role", "partial", "no-passwords"],
)
def test_garbled_sign_up_re_renders_the_form_without_creating_anyone(client, data):
    response = client.post(SIGNUP_URL, data)
    assert response.status_code == 200
    assert "Create an account" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_sign_up_with_an_email_too_long_for_a_username_is_refused(client):
    # Valid as an address (190 characters), but it doubles as the username (150).
    email = "a" * 64 + "@" + ("b" * 60 + ".") * 2 + "com"
    response = client.post(SIGNUP_URL, signup_data(email=email))
    assert response.status_code == 200
    assert "at most 150 characters" in field_error(response, "email")
    assert f'value="{email}"' in response.content.decode()
    assert not get_user_model().objects.exists()


def test_sign_up_with_an_email_of_150_characters_is_accepted(client):
    email = "a" * 64 + "@" + "b" * 40 + "." + "c" * 40 + ".org"
    assert len(email) == 150
    client.post(SIGNUP_URL, signup_data(email=email))
    get_user_model().objects.get(username=email).full_clean()


def test_therapist_sign_up_with_long_names_makes_a_valid_draft(client):
    response = client.post(
        SIGNUP_URL,
        signup_data(first_name="A" * 100, last_name="B" * 100, role="therapist"),
    )
    assert response.status_code == 200
    therapist = Therapist.objects.get()
    # A draft has no headline or price yet; everything else must fit its column.
    therapist.full_clean(exclude=["headline", "session_price"])
    assert therapist.display_name.startswith("A" * 100 + " B")
    assert therapist.slug.startswith("a" * 100 + "-b")


def test_a_long_password_of_digits_only_is_accepted(client):
    """No rules on what a password is made of, only its length and known-bad
    lists (OWASP ASVS 6.2.5)."""
    data = signup_data(password1="80451237966", password2="80451237966")

    client.post(SIGNUP_URL, data)

    assert get_user_model().objects.filter(email=data["email"].lower()).exists()
