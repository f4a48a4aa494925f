from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.accounts.company_admin import contact_set_company_admin
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
        parser.add_argument(
            "--company-admin",
            action="store_true",
            help="Make them an administrator of their company (Minha empresa)",
        )

    def handle(
        self,
        *args,
        company: str,
        email: str,
        name: str,
        language: str,
        company_admin: bool,
        **options,
    ) -> None:
        existing = Company.objects.filter(name__iexact=company.strip()).first()
        try:
            with transaction.atomic():
                target = existing or company_create(name=company)
                contact = contact_invite(company=target, email=email, name=name, language=language)
                if company_admin:
                    contact_set_company_admin(actor=None, contact=contact, is_admin=True)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if existing is None:
            self.stdout.write(f"Company created: {target.name}")
        if company_admin:
            self.stdout.write(f"{contact.email} administers {target.name} (Minha empresa)")
        self.stdout.write(self.style.SUCCESS(f"Access e-mailed to {contact.email}"))
