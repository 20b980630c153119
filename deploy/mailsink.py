"""A local SMTP server that keeps every message it accepts: the mail server of
`make cluster` and of its integration test (standard library only).

A message counts as delivered only once the sink has answered 250 to its DATA,
as with a real server. `hold_seconds` makes the sink slow to give that answer;
a client that disconnects meanwhile (a worker killed mid-send) has delivered
nothing, and its message is discarded, so a test can tell a resent mail from
a duplicate by its Message-ID.
"""

import collections
import email
import email.message
import email.policy
import select
import socket
import socketserver
import threading
import time
from pathlib import Path

# RFC 5321's limit on a command line, with room to spare.
MAX_LINE = 4096


class MailSink:
    """An SMTP server on a loopback port, in threads of this process."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, directory=None):
        self.directory = Path(directory) if directory else None
        self.messages: list[email.message.EmailMessage] = []
        # Seconds to wait before answering a message's DATA (0: at once).
        self.hold_seconds = 0.0
        self.holding = 0
        # Messages whose sender left before their answer: never delivered.
        self.discarded: list[email.message.EmailMessage] = []
        self.changed = threading.Condition()
        # Called with each message delivered and its file (or None).
        self.on_delivery = None
        self._server = _Server((host, port), _Session)
        self._server.sink = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="mailsink", daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> "MailSink":
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def wait(self, condition, timeout: float) -> bool:
        """Wait until `condition(sink)` holds; whether it did within `timeout`."""
        with self.changed:
            return self.changed.wait_for(lambda: condition(self), timeout)

    def message_ids(self) -> collections.Counter:
        """How many times each Message-ID was delivered."""
        with self.changed:
            return collections.Counter(m["Message-ID"] for m in self.messages)

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """The messages delivered to `address`."""
        with self.changed:
            return [m for m in self.messages if address in (m["To"] or "")]

    def _deliver(self, connection: socket.socket, data: bytes) -> bool:
        """Keep the message unless the client leaves while it is held."""
        with self.changed:
            hold = self.hold_seconds
            if hold:
                self.holding += 1
                self.changed.notify_all()
        message = email.message_from_bytes(
            data.replace(b"\r\n", b"\n"), policy=email.policy.default
        )
        if hold:
            gone = _closed_within(connection, hold)
            with self.changed:
                self.holding -= 1
                if gone:
                    self.discarded.append(message)
                self.changed.notify_all()
            if gone:
                return False
        with self.changed:
            self.messages.append(message)
            count = len(self.messages)
            self.changed.notify_all()
        kept = self.directory / f"{count:04d}.eml" if self.directory else None
        if kept:
            kept.write_bytes(data)
        if self.on_delivery:
            self.on_delivery(message, kept)
        return True


def _closed_within(connection: socket.socket, seconds: float) -> bool:
    """Whether the client closes the connection within `seconds`."""
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([connection], [], [], remaining)
        if not readable:
            continue
        try:
            return connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True
    return False


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Session(socketserver.StreamRequestHandler):
    """One SMTP conversation: just what smtplib (Django's backend) says."""

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 mailsink ready")
        recipients: list[str] = []
        while line := self.rfile.readline(MAX_LINE):
            verb = line[:4].decode("ascii", "replace").upper()
            if verb == "EHLO":
                self.reply("250-mailsink\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb in ("HELO", "NOOP"):
                self.reply("250 ok")
            elif verb in ("MAIL", "RSET"):
                recipients = []
                self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(line.decode("utf-8", "replace"))
                self.reply("250 ok")
            elif verb == "DATA" and recipients:
                self.reply("354 end with <CRLF>.<CRLF>")
                data = self.read_data()
                if data is None or not self.server.sink._deliver(self.request, data):
                    return
                recipients = []
                self.reply("250 ok: delivered")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("503 bad sequence of commands")

    def read_data(self) -> bytes | None:
        """The message up to the lone dot, dots unstuffed; None if cut short."""
        lines = []
        while line := self.rfile.readline():
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            lines.append(line[1:] if line.startswith(b".") else line)
        return None
