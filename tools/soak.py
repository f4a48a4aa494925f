"""Reliability under load: many clients opening and answering requests at once,
while the SMTP server goes down and a worker is killed, and nothing is lost.

Run through `make soak` (PostgreSQL). Prints its figures; exits non-zero when a
request, message or e-mail went missing, a number repeated, or a page failed.
"""

from __future__ import annotations

import http.cookiejar
import logging
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.companies.models import Company
from portal.notifications.models import OutboundEmail
from portal.tickets.models import Department, Message, Priority, Service, Ticket
from tools.demo import DEPARTMENTS, PRIORITIES, SERVICES, load_catalog

PASSWORD = "soak-password-2026"  # noqa: S105 - a throwaway database
ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """The SMTP server's side: every Message-ID it accepted, duplicates included."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        match = re.search(rb"^Message-ID:\s*(<[^>]+>)", envelope.content, re.M | re.I)
        with self.lock:
            self.message_ids.append(match.group(1).decode() if match else "?")
        return "250 OK"


@dataclass
class Tally:
    opened: list[int] = field(default_factory=list)
    answers: int = 0
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Browser:
    """A client with its own cookies, speaking to the portal like a browser's forms do."""

    def __init__(self, base: str, tally: Tally) -> None:
        self.base, self.tally = base, tally
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def call(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        http_request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 - our own http URL
        started = time.perf_counter()
        try:
            with self.opener.open(http_request, timeout=30) as response:
                status, location = response.status, response.headers.get("Location", "")
                response.read()
        except urllib.error.HTTPError as error:
            status, location = error.code, error.headers.get("Location", "")
            error.read()
        except OSError as error:
            status, location = 0, ""
            with self.tally.lock:
                self.tally.errors.append(f"{path}: {error}")
        with self.tally.lock:
            self.tally.statuses[status] += 1
            self.tally.latencies.append(time.perf_counter() - started)
        return status, location


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client_loop(base: str, email: str, stop_at: float, tally: Tally, catalog: dict) -> None:
    browser = Browser(base, tally)
    rng = random.Random(email)  # the load's shape, not security
    browser.call("/entrar/")
    status, _ = browser.call("/entrar/", {"email": email, "password": PASSWORD})
    if status != 302:
        with tally.lock:
            tally.errors.append(f"login of {email} answered {status}")
        return
    mine: list[int] = []
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    while time.monotonic() < stop_at:
        if not mine or rng.random() < 0.4:
            browser.call("/atendimento/nova/")
            status, location = browser.call(
                "/atendimento/nova/",
                {
                    "subject": f"Pedido de {email} {rng.randint(1, 10**6)}",
                    "department": catalog["department"],
                    "service": catalog["service"],
                    "priority": catalog["priority"],
                    "body": "Carga de teste: abrir e responder sem perder nada.",
                    "deadline": deadline,
                },
            )
            found = re.search(r"/atendimento/(\d+)/$", location)
            if status == 302 and found:
                mine.append(int(found.group(1)))
                with tally.lock:
                    tally.opened.append(int(found.group(1)))
        else:
            number = rng.choice(mine)
            browser.call(f"/atendimento/{number}/")
            status, _ = browser.call(
                f"/atendimento/{number}/responder/", {"body": "Mais um detalhe da carga."}
            )
            if status == 302:
                with tally.lock:
                    tally.answers += 1


class Command(BaseCommand):
    help = "Soak test against PostgreSQL: concurrent clients, SMTP down, a worker killed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--clients", type=int, default=int(os.environ.get("SOAK_CLIENTS", 50)))
        parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", 60)))
        parser.add_argument("--drain-seconds", type=int, default=240)

    def handle(self, *args, clients: int, seconds: int, drain_seconds: int, **options) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command chatter
        if connection.vendor != "postgresql":
            raise CommandError("The soak test runs against PostgreSQL: set DATABASE_URL.")
        if Ticket.objects.exists():
            raise CommandError("The soak database must start empty (make soak recreates it).")
        catalog, emails = self.seed(clients)
        smtp_port, web_port = free_port(), free_port()
        recorder = Recorder()
        smtp = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        env = {
            **os.environ,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_RETRY_BASE_SECONDS": "1",
            "EMAIL_RETRY_MAX_SECONDS": "8",
            "EMAIL_MAX_ATTEMPTS": "200",
            "EMAIL_TIMEOUT": "5",
            "DJANGO_DEBUG": "0",
        }
        web = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "portal.wsgi:application",
                "--bind", f"127.0.0.1:{web_port}", "--workers", "3", "--threads", "8",
                "--log-level", "warning",
            ],
            cwd=ROOT, env=env,
        )  # fmt: skip
        workers = {name: self.start_worker(name, env) for name in ("soak-w1", "soak-w2")}
        base = f"http://127.0.0.1:{web_port}"
        self.wait_for(base)
        tally = Tally()
        started = time.monotonic()
        stop_at = started + seconds
        threads = [
            threading.Thread(target=client_loop, args=(base, email, stop_at, tally, catalog))
            for email in emails
        ]
        for thread in threads:
            thread.start()
        log = []
        smtp_down = False
        killed = False
        try:
            while time.monotonic() < stop_at:
                elapsed = (time.monotonic() - started) / seconds
                if not smtp_down and 0.2 <= elapsed < 0.6:
                    smtp.stop()
                    smtp_down = True
                    log.append(f"{time.monotonic() - started:5.1f}s SMTP server stopped")
                if smtp_down and elapsed >= 0.6:
                    smtp = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
                    smtp.start()
                    smtp_down = False
                    log.append(f"{time.monotonic() - started:5.1f}s SMTP server back")
                if not killed and elapsed >= 0.5:
                    workers["soak-w1"].send_signal(signal.SIGKILL)
                    workers["soak-w1"].wait()
                    log.append(
                        f"{time.monotonic() - started:5.1f}s worker soak-w1 killed (SIGKILL)"
                    )
                    time.sleep(1)
                    workers["soak-w1"] = self.start_worker("soak-w1", env)
                    log.append(f"{time.monotonic() - started:5.1f}s worker soak-w1 restarted")
                    killed = True
                time.sleep(0.2)
            for thread in threads:
                thread.join()
            if smtp_down:
                smtp = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
                smtp.start()
            drained = self.drain(drain_seconds)
        finally:
            web.send_signal(signal.SIGTERM)
            for process in workers.values():
                process.send_signal(signal.SIGTERM)
            for process in (web, *workers.values()):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
            smtp.stop()
        self.report(tally, recorder, log, seconds, clients, drained)

    def seed(self, clients: int) -> tuple[dict, list[str]]:
        load_catalog(Department, DEPARTMENTS)
        load_catalog(Service, SERVICES)
        load_catalog(Priority, PRIORITIES)
        agent = User.objects.create_user(
            "soak-agent@zweiarts.test", PASSWORD, name="Agente da carga", role=Role.AGENT
        )
        Department.objects.get(name="Atendimento").members.add(agent)
        emails = []
        for index in range(clients):
            company, _ = Company.objects.get_or_create(name=f"Cliente da carga {index % 10}")
            email = f"contato{index}@carga.test"
            User.objects.create_user(
                email, PASSWORD, name=f"Contato {index}", role=Role.CONTACT, company=company
            )
            emails.append(email)
        catalog = {
            "department": Department.objects.get(name="Atendimento").pk,
            "service": Service.objects.get(name="Redes Sociais").pk,
            "priority": Priority.objects.get(name="Média").pk,
        }
        return catalog, emails

    def start_worker(self, name: str, env: dict) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--worker-id", name], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def wait_for(self, base: str) -> None:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310
                return
            except OSError:
                time.sleep(0.2)
        raise CommandError("The web server did not start")

    def drain(self, limit: int) -> float:
        """Wait until the workers have sent every queued e-mail; return how long it took."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            waiting = [OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]
            if not OutboundEmail.objects.filter(status__in=waiting).exists():
                return time.monotonic() - started
            time.sleep(1)
        return -1

    def report(self, tally, recorder, log, seconds, clients, drained) -> None:
        numbers = sorted(Ticket.objects.values_list("number", flat=True))
        expected_messages = len(tally.opened) + tally.answers
        messages = Message.objects.count()
        emails = OutboundEmail.objects.count()
        sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT)
        failed = OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
        # An e-mail combined into another (EMAIL_COALESCE_SECONDS, on as in production)
        # reaches SMTP inside it: it is expected under that one's Message-ID, which
        # must be sent too.
        expected_ids = set(sent.filter(part_of__isnull=True).values_list("message_id", flat=True))
        orphans = sent.filter(part_of__isnull=False).exclude(
            part_of__status=OutboundEmail.Status.SENT
        )
        received = Counter(recorder.message_ids)
        missing_at_smtp = expected_ids - set(received)
        duplicates = sum(count - 1 for count in received.values() if count > 1)
        server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
        latencies = sorted(tally.latencies)
        p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0
        p50 = statistics.median(latencies or [0])
        rows = [
            ("clients / seconds", f"{clients} / {seconds}"),
            ("HTTP requests", f"{sum(tally.statuses.values())} {dict(tally.statuses)}"),
            ("latency p50 / p99", f"{p50 * 1000:.0f} ms / {p99 * 1000:.0f} ms"),
            ("requests opened (clients saw / database)", f"{len(tally.opened)} / {len(numbers)}"),
            ("numbers unique and 1..N", str(numbers == list(range(1, len(numbers) + 1)))),
            ("messages (expected / database)", f"{expected_messages} / {messages}"),
            ("e-mails queued / sent / failed", f"{emails} / {sent.count()} / {failed}"),
            ("e-mails combined into another", str(sent.filter(part_of__isnull=False).count())),
            ("e-mails received by SMTP (duplicates)", f"{len(received)} ({duplicates})"),
            ("queue drained after load", f"{drained:.0f} s" if drained >= 0 else "NO"),
            ("client errors", str(len(tally.errors))),
        ]  # fmt: skip
        for line in log:
            self.stdout.write(line)
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            self.stdout.write(f"{label:<{width}}  {value}")
        problems = []
        if sorted(tally.opened) != numbers:
            problems.append("requests the clients opened do not match the database")
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append("request numbers repeat or skip")
        if messages != expected_messages:
            problems.append("messages were lost or duplicated")
        if server_errors:
            problems.append(f"{server_errors} server errors")
        if drained < 0 or failed:
            problems.append("e-mails were not all sent")
        if missing_at_smtp:
            problems.append(f"{len(missing_at_smtp)} e-mails marked sent never reached SMTP")
        if orphans.exists():
            problems.append(f"{orphans.count()} e-mails sent inside one that was not sent")
        if tally.errors:
            problems.append("; ".join(tally.errors[:5]))
        if not tally.opened or not emails:
            problems.append("the load produced nothing to check")
        if problems:
            raise CommandError("Soak failed: " + " | ".join(problems))
        self.stdout.write(
            self.style.SUCCESS("Soak passed: nothing lost, no duplicate number, no 500.")
        )
