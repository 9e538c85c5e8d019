"""A real SMTP server on a free local port (aiosmtpd) for tests that follow a letter to
the client's mailbox, and the text of a PDF as a reader gets it (pypdf)."""

from __future__ import annotations

import email
import email.policy
import io
import socket
from contextlib import contextmanager

import pypdf


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """A local SMTP server's handler that keeps what it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@contextmanager
def smtp_server(settings):
    """Django's SMTP backend pointed at a local server; yields its Inbox."""
    from aiosmtpd.controller import Controller

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        yield inbox
    finally:
        controller.stop()


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())  # lines broken by the layout read as one
