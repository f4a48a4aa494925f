"""What an answer by e-mail left on its request: the answers it added, or nothing at all;
and answers addressed as a person's mail client would, to their reply address."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from portal.notifications.emails import reply_address
from portal.tickets.models import Attachment, Message


def answers(ticket) -> list[Message]:
    return list(ticket.messages.order_by("pk"))[2:]  # after the opening and the team's answer


def nothing_saved(post) -> bool:
    files = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    return answers(post) == [] and not Attachment.objects.exists() and files == []


def with_header(raw: bytes, name: str, value: str) -> bytes:
    """``raw`` with its ``name`` header (every one, folded lines too) replaced by one on
    top; the rest stays byte for byte."""
    newline = b"\r\n" if b"\r\n\r\n" in raw else b"\n"
    head, blank, body = raw.partition(newline * 2)
    kept, dropping = [], False
    for line in head.split(newline):
        if not line[:1].isspace():
            dropping = line.split(b":", 1)[0].strip().lower() == name.lower().encode()
        if not dropping:
            kept.append(line)
    return newline.join([f"{name}: {value}".encode(), *kept]) + blank + body


def to_reply_address(raw: bytes, person, ticket, *, header: str = "To") -> bytes:
    """``raw`` as sent to ``person``'s reply address for ``ticket``: the Reply-To of the
    notifications about it they receive, shown in ``header``."""
    address = reply_address(person, ticket)
    return with_header(raw, header, f"Zwei Arts <{address}>" if header in ("To", "Cc") else address)
