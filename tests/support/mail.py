"""Reading e-mails in tests: the .eml samples, sent messages as they go on the wire, and the
one-time link an invitation carries."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

EML_DIR = Path(__file__).parent.parent / "intake" / "eml"


def eml(name: str) -> bytes:
    return (EML_DIR / name).read_bytes()


def mime(message) -> EmailMessage:
    """A sent message as it goes on the wire (headers folded, parts encoded)."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def text_and_html(message) -> tuple[str, str]:
    wire = mime(message)
    text = wire.get_body(preferencelist=("plain",)).get_content()
    html = wire.get_body(preferencelist=("html",)).get_content()
    return text, html


def to(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def access_link_from(message) -> str:
    """The "Criar sua senha" link of an access e-mail, as a path (the test server's)."""
    found = re.search(r"https?://[^/\s]+(/criar-senha/[^\s]+/)", message.body)
    if found is None:
        raise AssertionError("no access link in the e-mail")
    return found.group(1)
