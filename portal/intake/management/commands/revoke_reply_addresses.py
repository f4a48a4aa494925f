from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal.accounts.models import User
from portal.notifications.reply_tokens import reply_tokens_revoke


class Command(BaseCommand):
    help = (
        "Revoke every reply address a person was given (a leaked notification, say):"
        " answers sent to them are refused; the next notifications carry new ones."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("emails", nargs="+", metavar="EMAIL")

    def handle(self, *args: Any, emails: list[str], **options: Any) -> None:
        for email in emails:
            user = User.objects.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(f"No user with the e-mail {email}")
            reply_tokens_revoke(user=user)
            self.stdout.write(f"Reply addresses of {user.email} revoked")
