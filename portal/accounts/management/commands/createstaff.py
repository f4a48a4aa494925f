from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.services import staff_invite


class Command(BaseCommand):
    help = "Create an agent of the agency (an admin with --admin) and e-mail their access."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin", action="store_true", help="Make the agent an admin")
        parser.add_argument("--language", default="", help="pt-br (default) or en")

    def handle(self, *args, email: str, name: str, admin: bool, language: str, **options) -> None:
        try:
            user = staff_invite(email=email, name=name, is_admin=admin, language=language)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        role = "admin" if admin else "agent"
        self.stdout.write(self.style.SUCCESS(f"Access e-mailed to {user.email} ({role})"))
