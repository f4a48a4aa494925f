"""Reliability under load, as a cluster: two app servers and two workers on one
PostgreSQL database and one S3-compatible bucket, many clients opening and answering
requests (with files) through both servers at once, while the SMTP server goes down
and a worker is killed, and nothing is lost.

Run through `make soak` (PostgreSQL; the bucket is moto's server, started here on
loopback). Prints its figures; exits non-zero when a request, message, file or e-mail
went missing, a number repeated, a file differed between the servers, or a page failed.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import logging
import os
import random
import re
import secrets
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

import boto3
import botocore.exceptions
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.companies.models import Company
from portal.notifications.models import OutboundEmail
from portal.tickets.models import Attachment, Department, Message, Priority, Service, Ticket
from tools import demo_files
from tools.demo import DEPARTMENTS, PRIORITIES, SERVICES, load_catalog

PASSWORD = "soak-password-2026"  # noqa: S105 - a throwaway database
ROOT = Path(settings.BASE_DIR)
BUCKET = "portal-soak"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "soak-key", "AWS_SECRET_ACCESS_KEY": "soak-secret"}
ATTACHMENT_LINK = re.compile(r'href="(/atendimento/anexos/\d+/[^"?]+)"')


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
    # Files the clients sent: (who, the server that took it, its download path, SHA-256).
    files: list[tuple[Browser, str, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class FileCheck:
    sent: int  # files the clients saw accepted
    identical: int  # of those, read back byte-identical through the other server
    problems: list[str]
    stored: set[str]  # the bucket's objects after the run


class Browser:
    """A client with its own cookies, speaking to the portal like a browser's forms do.
    Each call goes to the next app server in turn, as a proxy without sticky sessions
    would send it: the session, the CSRF token and the files must hold across servers."""

    def __init__(self, bases: list[str], tally: Tally, offset: int = 0) -> None:
        self.bases, self.tally, self.turn = bases, tally, offset
        self.last_base = bases[0]
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def next_base(self) -> str:
        self.turn += 1
        return self.bases[self.turn % len(self.bases)]

    def call(
        self, path: str, data: dict | None = None, *, upload: tuple[str, bytes] | None = None,
        base: str | None = None,
    ) -> tuple[int, str, bytes]:  # fmt: skip
        base = base or self.next_base()
        self.last_base = base
        body = None
        headers = {"Referer": base + path}
        if data is not None:
            fields = {**data, "csrfmiddlewaretoken": self.csrf()}
            if upload:
                body, headers["Content-Type"] = multipart(fields, "attachments", *upload)
            else:
                body = urllib.parse.urlencode(fields).encode()
        http_request = urllib.request.Request(base + path, data=body, headers=headers)  # noqa: S310 - our own http URL
        started = time.perf_counter()
        content = b""
        try:
            with self.opener.open(http_request, timeout=30) as response:
                status, location = response.status, response.headers.get("Location", "")
                content = response.read()
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
        return status, location, content


def multipart(fields: dict, file_field: str, name: str, content: bytes) -> tuple[bytes, str]:
    """A form with one file, encoded as a browser sends it."""
    boundary = f"soak{random.getrandbits(64):016x}"
    parts = [
        f'Content-Disposition: form-data; name="{key}"\r\n\r\n{value}'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'Content-Disposition: form-data; name="{file_field}"; filename="{name}"\r\n'.encode()
        + b"Content-Type: application/pdf\r\n\r\n"
        + content
    )
    separator = f"--{boundary}\r\n".encode()
    body = b"".join(separator + part + b"\r\n" for part in parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def client_loop(
    bases: list[str], index: int, email: str, stop_at: float, tally: Tally, catalog: dict
) -> None:
    browser = Browser(bases, tally, offset=index)
    rng = random.Random(email)  # the load's shape, not security
    browser.call("/entrar/")
    status, _, _ = browser.call("/entrar/", {"email": email, "password": PASSWORD})
    if status != 302:
        with tally.lock:
            tally.errors.append(f"login of {email} answered {status}")
        return
    mine: list[int] = []
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    while time.monotonic() < stop_at:
        if not mine or rng.random() < 0.4:
            browser.call("/atendimento/nova/")
            upload = None
            if rng.random() < 0.5:
                # A PDF of its own: a label, then 8 to 200 KB of padding no other file has.
                padding = rng.randbytes(rng.randint(4, 100) * 1024).hex().encode()
                upload = (f"anexo-{len(mine)}.pdf", demo_files.pdf(email) + b"%" + padding)
            status, location, _ = browser.call(
                "/atendimento/nova/",
                {
                    "subject": f"Pedido de {email} {rng.randint(1, 10**6)}",
                    "department": catalog["department"],
                    "service": catalog["service"],
                    "priority": catalog["priority"],
                    "body": "Carga de teste: abrir e responder sem perder nada.",
                    "deadline": deadline,
                },
                upload=upload,
            )
            found = re.search(r"/atendimento/(\d+)/$", location)
            if status == 302 and found:
                taken_by = browser.last_base
                mine.append(int(found.group(1)))
                with tally.lock:
                    tally.opened.append(int(found.group(1)))
                if upload:
                    remember_file(browser, tally, int(found.group(1)), taken_by, upload[1])
        else:
            number = rng.choice(mine)
            browser.call(f"/atendimento/{number}/")
            status, _, _ = browser.call(
                f"/atendimento/{number}/responder/", {"body": "Mais um detalhe da carga."}
            )
            if status == 302:
                with tally.lock:
                    tally.answers += 1


def remember_file(
    browser: Browser, tally: Tally, number: int, taken_by: str, content: bytes
) -> None:
    """Note where the request's page links its file, to read it back at the end."""
    status, _, page = browser.call(f"/atendimento/{number}/", base=taken_by)
    link = ATTACHMENT_LINK.search(page.decode())
    with tally.lock:
        if status != 200 or not link:
            tally.errors.append(f"request {number}: no link to its file ({status})")
            return
        tally.files.append((browser, taken_by, link.group(1), hashlib.sha256(content).hexdigest()))


def read_back(tally: Tally, bases: list[str]) -> tuple[int, list[str]]:
    """Download every file through the server that did not take it, as its owner; the
    number read byte-identical, and what went wrong."""
    identical, problems = 0, []
    for browser, taken_by, path, digest in tally.files:
        other = next(base for base in bases if base != taken_by)
        status, _, content = browser.call(path, base=other)
        if status == 200 and hashlib.sha256(content).hexdigest() == digest:
            identical += 1
        else:
            problems.append(f"{path} from {other}: {status}, {len(content)} bytes")
    return identical, problems


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
        smtp_port, s3_port = free_port(), free_port()
        web_ports = [free_port(), free_port()]
        recorder = Recorder()
        smtp = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        endpoint = f"http://127.0.0.1:{s3_port}"
        s3 = self.start_object_store(s3_port)
        env = {
            **os.environ,
            **S3_KEYS,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_RETRY_BASE_SECONDS": "1",
            "EMAIL_RETRY_MAX_SECONDS": "8",
            "EMAIL_MAX_ATTEMPTS": "200",
            "EMAIL_TIMEOUT": "5",
            "DJANGO_DEBUG": "0",
            # What several app servers must share: the key that signs sessions and CSRF
            # tokens, the database (DATABASE_URL, inherited) and the bucket.
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "STORAGE_URL": f"s3://{BUCKET}?endpoint={endpoint}&region=us-east-1&addressing_style=path",
        }
        webs = [self.start_web(port, env) for port in web_ports]
        workers = {name: self.start_worker(name, env) for name in ("soak-w1", "soak-w2")}
        bases = [f"http://127.0.0.1:{port}" for port in web_ports]
        tally = Tally()
        log = []
        try:
            bucket = self.create_bucket(endpoint)
            for base in bases:
                self.wait_for(base)
            started = time.monotonic()
            stop_at = started + seconds
            threads = [
                threading.Thread(
                    target=client_loop, args=(bases, index, email, stop_at, tally, catalog)
                )
                for index, email in enumerate(emails)
            ]
            for thread in threads:
                thread.start()
            smtp_down = False
            killed = False
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
            read_back_started = time.monotonic()
            identical, file_problems = read_back(tally, bases)
            log.append(
                f"{len(tally.files)} files read back through the other server "
                f"in {time.monotonic() - read_back_started:.1f} s"
            )
            stored = self.stored_keys(bucket)
            drained = self.drain(drain_seconds)
        finally:
            for process in (*webs, *workers.values(), s3):
                process.send_signal(signal.SIGTERM)
            for process in (*webs, *workers.values(), s3):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
            smtp.stop()
        files = FileCheck(len(tally.files), identical, file_problems, stored)
        self.report(tally, recorder, log, seconds, clients, drained, files)

    def start_web(self, port: int, env: dict) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "portal.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "8",
                "--log-level", "warning",
            ],
            cwd=ROOT, env=env,
        )  # fmt: skip

    def start_object_store(self, port: int) -> subprocess.Popen:
        """moto's S3-compatible server (a development dependency) on loopback."""
        return subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def create_bucket(self, endpoint: str):
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
        )
        for _ in range(100):
            try:
                client.create_bucket(Bucket=BUCKET)
                return client
            except botocore.exceptions.EndpointConnectionError:
                time.sleep(0.2)
        raise CommandError("The object store did not start")

    def stored_keys(self, client) -> set[str]:
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        return {item["Key"] for page in pages for item in page.get("Contents", ())}

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

    def report(self, tally, recorder, log, seconds, clients, drained, files: FileCheck) -> None:
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
        names = set(Attachment.objects.values_list("file", flat=True))
        attachments = Attachment.objects.count()
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
            ("files (clients sent / database / bucket)",
             f"{files.sent} / {attachments} / {len(files.stored)}"),
            ("files byte-identical from the other server", f"{files.identical} / {files.sent}"),
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
        if attachments != files.sent:
            problems.append(f"{files.sent} files sent, {attachments} in the database")
        if names - files.stored:
            problems.append(f"{len(names - files.stored)} files missing from the bucket")
        if files.stored - names:
            problems.append(
                f"{len(files.stored - names)} objects in the bucket no attachment names"
            )
        if files.problems:
            problems.append("files differ between servers: " + "; ".join(files.problems[:5]))
        if tally.errors:
            problems.append("; ".join(tally.errors[:5]))
        if not tally.opened or not emails or not files.sent:
            problems.append("the load produced nothing to check")
        if problems:
            raise CommandError("Soak failed: " + " | ".join(problems))
        self.stdout.write(
            self.style.SUCCESS(
                "Soak passed: nothing lost, no duplicate number, no 500, every file the same"
                " from both servers."
            )
        )
