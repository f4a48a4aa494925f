from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.data import (
    BENCH_AGENT,
    BENCH_CONTACT,
    BENCH_PASSWORD,
    BenchDataError,
    seed,
)


class Command(BaseCommand):
    help = (
        "Fill the database with a large, deterministic data set for the benchmark "
        "(companies, people, requests in every status, messages, events, attachments, clocks)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--tickets", type=int, default=100_000)
        parser.add_argument("--messages-per-ticket", type=int, default=10)
        parser.add_argument(
            "--force", action="store_true", help="Add the data even if there are requests already"
        )

    def handle(self, *args, tickets: int, messages_per_ticket: int, force: bool, **options):
        if tickets < 2 or messages_per_ticket < 1:
            raise CommandError("Use at least 2 requests and 1 message per request.")
        try:
            report = seed(
                tickets=tickets,
                messages_per_ticket=messages_per_ticket,
                force=force,
                out=self.stdout.write,
            )
        except BenchDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {report.tickets:,} requests, {report.messages:,} messages, "
                f"{report.events:,} events, {report.attachments:,} attachments, "
                f"{report.clocks:,} clocks on {connection.vendor} in {report.seconds:.1f} s."
            )
        )
        statuses = ", ".join(f"{key} {value:,}" for key, value in sorted(report.counts.items()))
        self.stdout.write(f"By status: {statuses}")
        self.stdout.write(f"Request with {50} messages: #{report.long_ticket}")
        self.stdout.write(f"Logins (password {BENCH_PASSWORD}): {BENCH_CONTACT}, {BENCH_AGENT}")
