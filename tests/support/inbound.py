"""What an answer by e-mail left on its request: the answers it added, or nothing at all."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from portal.tickets.models import Attachment, Message


def answers(ticket) -> list[Message]:
    return list(ticket.messages.order_by("pk"))[2:]  # after the opening and the team's answer


def nothing_saved(post) -> bool:
    files = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    return answers(post) == [] and not Attachment.objects.exists() and files == []
