from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.accounts.models import User
from portal.core.demo import DEMO_PASSWORD, PEOPLE, load_demo


class Command(BaseCommand):
    help = "Load the demo data (departments, services, priorities, people). Safe to run twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Only load when the database has no users yet"
        )

    def handle(self, *args, if_empty: bool, **options) -> None:
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users: demo data not loaded again.")
            people = PEOPLE
        else:
            people = load_demo()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write("Demo logins (unless changed since):")
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        for person in people:
            where = f" — {person.company}" if person.company else ""
            self.stdout.write(f"  {person.role:<8} {person.email:<22} {person.name}{where}")
