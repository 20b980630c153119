"""The cluster's SMTP sink (deploy/mailsink.py): a message counts as delivered
only once the sink has answered its DATA."""

import smtplib
import socket
from email.message import EmailMessage

import pytest

from deploy.mailsink import MailSink


@pytest.fixture
def sink(tmp_path):
    started = MailSink(directory=tmp_path / "mail").start()
    yield started
    started.stop()


def message(to: str, key: str, body: str = "Hello.\n") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "site@example.org"
    mail["To"] = to
    mail["Subject"] = "Reset your password"
    mail["Message-ID"] = f"<{key}@example.org>"
    mail.set_content(body)
    return mail


def test_the_sink_keeps_each_message_it_accepts(sink, tmp_path):
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as client:
        client.send_message(message("ana@example.org", "one", ".a line with a dot\n"))
        client.send_message(message("bo@example.org", "two"))

    assert sink.wait(lambda sink: len(sink.messages) == 2, timeout=5)
    assert sink.message_ids() == {"<one@example.org>": 1, "<two@example.org>": 1}
    (kept,) = sink.to("ana@example.org")
    assert kept.get_content() == ".a line with a dot\n"
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2


def test_a_message_whose_sender_leaves_before_the_answer_is_discarded(sink):
    sink.hold_seconds = 5
    with socket.create_connection(("127.0.0.1", sink.port), timeout=5) as raw:
        replies = raw.makefile("rb")
        replies.readline()
        for command in (
            b"HELO test",
            b"MAIL FROM:<site@example.org>",
            b"RCPT TO:<ana@example.org>",
            b"DATA",
        ):
            raw.sendall(command + b"\r\n")
            assert replies.readline()[:1] in (b"2", b"3")
        raw.sendall(bytes(message("ana@example.org", "gone")) + b"\r\n.\r\n")
        assert sink.wait(lambda sink: sink.holding == 1, timeout=5)
        replies.close()
    # The sender is gone without its 250: nothing was delivered.
    assert sink.wait(lambda sink: sink.discarded, timeout=5)
    assert sink.messages == []
    assert [m["Message-ID"] for m in sink.discarded] == ["<gone@example.org>"]


def test_a_held_message_is_delivered_once_its_answer_is_given(sink):
    sink.hold_seconds = 0.5
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as client:
        client.send_message(message("ana@example.org", "late"))

    assert sink.message_ids() == {"<late@example.org>": 1}
    assert sink.discarded == []
