from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.services import contact_invite
from portal.companies.models import Company
from portal.companies.services import company_create


class Command(BaseCommand):
    help = "Create a client contact and e-mail their access (the company is created if new)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--company", required=True, help="Company name")
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--language", default="", help="pt-br (default) or en")

    def handle(self, *args, company: str, email: str, name: str, language: str, **options) -> None:
        existing = Company.objects.filter(name__iexact=company.strip()).first()
        try:
            target = existing or company_create(name=company)
            contact = contact_invite(company=target, email=email, name=name, language=language)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if existing is None:
            self.stdout.write(f"Company created: {target.name}")
        self.stdout.write(self.style.SUCCESS(f"Access e-mailed to {contact.email}"))
