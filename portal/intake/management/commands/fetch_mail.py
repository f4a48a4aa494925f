from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.intake.mailbox import fetch_mail


class Command(BaseCommand):
    help = "Read unseen answers from the IMAP mailbox (INBOUND_IMAP_URL) into their requests."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.INBOUND_IMAP_URL:
            raise CommandError("Set INBOUND_IMAP_URL, e.g. imaps://user:password@host:993/INBOX")
        counts = fetch_mail(settings.INBOUND_IMAP_URL)
        self.stdout.write(
            "accepted: {accepted}, refused: {refused}, failed: {failed}".format(**counts)
        )
