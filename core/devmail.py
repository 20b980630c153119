"""Mail printed for people, in development (`make run`).

Django's console backend prints the message as it would go over the wire. A
body with any non-ASCII character (a curly quote, a name with an accent) goes as
quoted-printable, which wraps lines at 76 characters with an `=` at each break
and turns the `=` in a link into `=3D`: a confirmation link copied from the
terminal is broken. This backend prints the headers a person reads and the text
body as written, so every link is whole on one line.
"""

from django.core.mail.backends.console import EmailBackend

RULE = "-" * 79


class ReadableConsoleBackend(EmailBackend):
    """The console backend, printing each message's text body decoded."""

    def write_message(self, message):
        lines = [f"From: {message.from_email}", f"To: {', '.join(message.to)}"]
        for header, addresses in (
            ("Cc", message.cc),
            ("Bcc", message.bcc),
            ("Reply-To", message.reply_to),
        ):
            if addresses:
                lines.append(f"{header}: {', '.join(addresses)}")
        lines += [f"Subject: {message.subject}", "", message.body.rstrip("\n"), ""]
        # An HTML version or an attachment is named, not printed: the text body
        # carries the same links.
        for _content, mimetype in getattr(message, "alternatives", []):
            lines.append(f"[Also sent as {mimetype}]")
        for attachment in message.attachments:
            filename = getattr(attachment, "filename", None) or "a file"
            lines.append(f"[Attachment: {filename}]")
        self.stream.write("\n".join(lines) + f"\n{RULE}\n")
