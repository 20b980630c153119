"""Mail printed in development keeps every link whole, so it can be copied from
the terminal and opened."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

from core.devmail import ReadableConsoleBackend

BASE_DIR = Path(__file__).resolve().parents[2]
# As long as a real confirmation link on a port other than 8000, with `=` in it.
LINK = (
    "http://127.0.0.1:8101/accounts/confirm/MTIzNDU2/"
    "d5kq3c-9a0f1e7b2c4d6e8f0a1b3c5d7e9f1a2b/?next=/dashboard/&source=email"
)
BODY = (
    "Hello Zoë,\n\n"
    "Please confirm your email address by opening this link:\n\n"
    f"{LINK}\n\n"
    "It works once and for three days. If you did not sign up, ignore this “email”.\n"
)


def printed(backend_class, message) -> str:
    stream = io.StringIO()
    backend_class(stream=stream).send_messages([message])
    return stream.getvalue()


def confirmation() -> EmailMessage:
    return EmailMessage(
        subject="Confirm your email for Back Care Directory",
        body=BODY,
        from_email="Back Care Directory <no-reply@backcare.example>",
        to=["zoe@example.org"],
    )


def test_djangos_console_backend_breaks_a_long_link_across_lines():
    # Why the readable backend exists: a non-ASCII body goes quoted-printable.
    output = printed(DjangoConsoleBackend, confirmation())

    assert LINK not in output
    assert "=\n" in output


def test_a_long_link_is_printed_whole_on_one_line():
    output = printed(ReadableConsoleBackend, confirmation())

    assert f"\n{LINK}\n" in output
    assert "=\n" not in output
    assert "=3D" not in output


def test_headers_and_the_body_are_printed_as_written():
    message = confirmation()
    message.cc = ["office@example.org"]
    message.reply_to = ["help@backcare.example"]

    output = printed(ReadableConsoleBackend, message)

    assert output.startswith(
        "From: Back Care Directory <no-reply@backcare.example>\n"
        "To: zoe@example.org\n"
        "Cc: office@example.org\n"
        "Reply-To: help@backcare.example\n"
        "Subject: Confirm your email for Back Care Directory\n\n"
        "Hello Zoë,\n"
    )
    assert "ignore this “email”." in output
    assert output.endswith("-" * 79 + "\n")


def test_html_versions_and_attachments_are_named_not_printed():
    message = EmailMultiAlternatives(
        subject="Your data",
        body=f"Download it here: {LINK}",
        from_email="no-reply@backcare.example",
        to=["zoe@example.org"],
    )
    message.attach_alternative("<p>Download it <a href='x'>here</a></p>", "text/html")
    message.attach("my-data.json", '{"reviews": []}', "application/json")

    output = printed(ReadableConsoleBackend, message)

    assert f"Download it here: {LINK}\n" in output
    assert "[Also sent as text/html]" in output
    assert "[Attachment: my-data.json]" in output
    assert "<p>" not in output
    assert "reviews" not in output


def mailer_with(**environ) -> str:
    """The mail backend a fresh process gets with these variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_DEBUG", "DJANGO_SMTP"))
    }
    env.update(environ, DJANGO_SETTINGS_MODULE="directory.settings")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; "
            "print(json.dumps(settings.MAILERS['default']['BACKEND']))",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_development_prints_mail_readably_and_production_sends_it():
    assert mailer_with(DJANGO_DEBUG="1") == "core.devmail.ReadableConsoleBackend"
    assert mailer_with() == "django.core.mail.backends.smtp.EmailBackend"
    assert (
        mailer_with(DJANGO_DEBUG="1", DJANGO_SMTP_HOST="mail.example.org")
        == "django.core.mail.backends.smtp.EmailBackend"
    )
