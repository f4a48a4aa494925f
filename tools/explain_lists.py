from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count

from bench.data import BENCH_AGENT, BENCH_CAMPAIGN, BENCH_CONTACT
from portal.accounts.models import User
from portal.tickets.models import Attachment, Department, Event, Status, Ticket
from portal.tickets.selectors import messages_visible_to, ticket_list
from portal.workspace.selectors import filtered_queue, queue

# A full read of the two big tables: what the list pages must never need.
FULL_SCAN = {
    "postgresql": re.compile(r"Seq Scan on (tickets_ticket|tickets_message)\b"),
    "sqlite": re.compile(r"\bSCAN (tickets_ticket|tickets_message)\b(?! USING)"),
}


class Command(BaseCommand):
    help = (
        "Show the database's plan (EXPLAIN) for the queries of the list pages and the request "
        "page, and fail if one reads all the requests or all the messages."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--contact", default=BENCH_CONTACT)
        parser.add_argument("--agent", default=BENCH_AGENT)
        parser.add_argument("--search", default=BENCH_CAMPAIGN)
        parser.add_argument("--analyze", action="store_true", help="EXPLAIN ANALYZE (PostgreSQL)")
        parser.add_argument(
            "--report-only",
            action="store_true",
            help="Do not fail on a full scan (on a small database the planner rightly prefers one)",
        )

    def handle(self, *args, contact, agent, search, analyze, report_only, **options) -> None:
        try:
            client = User.objects.get(email=contact)
            staff = User.objects.get(email=agent)
        except User.DoesNotExist as error:
            raise CommandError(f"{error} (run seed_bench, or pass --contact/--agent)") from error
        department = Department.objects.order_by("position").first()
        longest = (
            Ticket.objects.visible_to(client).annotate(n=Count("messages")).order_by("-n").first()
        )
        messages = messages_visible_to(client).filter(ticket=longest)
        message_ids = list(messages.values_list("pk", flat=True))
        two_filters = {"status": Status.IN_PROGRESS, "department": department}
        queries = {
            "client list, first page": ticket_list(client)[:25],
            "client list, status filter": ticket_list(client, status=Status.IN_PROGRESS)[:25],
            "client status counts": _counts(Ticket.objects.visible_to(client)),
            "client search": ticket_list(client, query=search)[:25],
            "queue, two filters": queue(staff, two_filters)[:25],
            # The tabs count under every filter but the status (queue_status_counts).
            "queue counts, two filters": _counts(filtered_queue(staff, two_filters)),
            "queue search": queue(staff, {"q": search})[:25],
            "request page, messages": messages.select_related("author"),
            "request page, attachments": Attachment.objects.filter(message_id__in=message_ids),
            "request page, events": Event.objects.filter(ticket=longest).select_related("actor"),
        }
        options = {"analyze": True} if analyze and connection.vendor == "postgresql" else {}
        pattern = FULL_SCAN.get(connection.vendor)
        failures = []
        for name, queryset in queries.items():
            plan = queryset.explain(**options)
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {name}"))
            self.stdout.write(plan)
            if pattern and pattern.search(plan):
                failures.append(name)
        if failures and report_only:
            self.stdout.write(f"Full scans (a small database may prefer them): {failures}")
        elif failures:
            raise CommandError(f"full scan of requests or messages in: {', '.join(failures)}")
        self.stdout.write(self.style.SUCCESS("No query reads every request or every message."))


def _counts(tickets):
    return tickets.values("status").annotate(n=Count("*")).order_by()
