"""``make bench``: serve the portal as in production and measure it over loopback.

Runs against ``DATABASE_URL`` when set (PostgreSQL), otherwise against its own SQLite
file (``var/bench/bench.sqlite3``, never the demo database); seeds it with
``python -m tools seed_bench`` when it has no requests. Starts gunicorn (2 sync workers, DEBUG off,
static files by WhiteNoise after collectstatic) on a free port of 127.0.0.1 and, for
each page, measures requests/s and p50/p99 latency with wrk (8 connections, logged
in) after a short warm-up, then the same for the ceiling: a view that returns a page
of the same size through the same stack and does nothing else. Prints a table and
writes ``var/bench/results.json``.

Settings (environment): BENCH_REQUESTS (100000), BENCH_MESSAGES (10), BENCH_SECONDS
(10), BENCH_WARMUP (2), BENCH_CONNECTIONS (8), BENCH_UPLOAD_SECONDS (5).
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
UPLOAD_SECONDS = int(os.environ.get("BENCH_UPLOAD_SECONDS", "5"))
SEED_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100000"))
SEED_MESSAGES = int(os.environ.get("BENCH_MESSAGES", "10"))
TARGET_SHARE = 0.5  # of the ceiling's requests/s
TARGET_P99_MS = 100.0
UPLOAD_FILES, UPLOAD_BYTES = 10, 2 * 1024 * 1024
SEARCH_WORD = "mare"  # finds the campaign "Maré" (seed_bench's BENCH_CAMPAIGN), unaccented

LUA = """
local body_file = os.getenv("BENCH_BODY")
if body_file and body_file ~= "" then
  local f = io.open(body_file, "rb"); wrk.body = f:read("*a"); f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE")
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def environment() -> None:
    """Point Django at the benchmark's database and files before it starts."""
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("SQLITE_PATH", str(OUT / "bench.sqlite3"))
    os.environ.setdefault("MEDIA_ROOT", str(OUT / "media"))
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The portal plus the ceiling page (bench/urls.py).
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    _shared_cache()


def _shared_cache() -> None:
    """A private Redis, as production runs several app servers with one (REDIS_URL): the
    sessions are then read from the cache. Without redis-server (or with BENCH_REDIS=0)
    the cache is each worker's own memory and the sessions stay in the database."""
    if os.environ.get("REDIS_URL") or os.environ.get("BENCH_REDIS") == "0":
        return
    if not shutil.which("redis-server"):
        print("redis-server missing: sessions are read from the database")
        return
    port = _free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--loglevel", "warning"]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    atexit.register(server.terminate)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            break
        time.sleep(0.1)
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"


@dataclass
class Result:
    name: str
    url: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    ceiling_rps: float = 0.0
    bytes: int = 0
    errors: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.rps / self.ceiling_rps if self.ceiling_rps else 0.0

    @property
    def meets_targets(self) -> bool:
        return self.share >= TARGET_SHARE and self.p99_ms < TARGET_P99_MS and not self.errors


@dataclass
class Target:
    name: str
    path: str
    cookie: str
    body: Path | None = None
    content_type: str = ""
    expected_status: int = 200
    key: str = ""  # the short name ``make profile PAGE=…`` takes


# --- Load generation


def _wrk(url: str, cookie: str, seconds: int, body: Path | None, content_type: str) -> dict:
    script = OUT / "bench.lua"
    script.write_text(LUA)
    env = {**os.environ, "BENCH_BODY": str(body or ""), "BENCH_CONTENT_TYPE": content_type}
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "20s",
               "-s", str(script), "-H", f"Cookie: {cookie}", url]  # fmt: skip
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCHJSON "))
    data = json.loads(line.removeprefix("BENCHJSON "))
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "errors": data["errors"],
    }


def _python_load(url: str, cookie: str, seconds: int, body: Path | None, content_type: str):
    """Fallback when wrk is missing: threads with http.client. It shares the CPU and the
    GIL with nothing else here, but it is slower than wrk, so the numbers are lower."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    payload = body.read_bytes() if body else None
    headers = {"Cookie": cookie}
    if payload is not None:
        headers["Content-Type"] = content_type
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + seconds

    def worker() -> None:
        while time.monotonic() < deadline:
            start = time.monotonic()
            try:
                connection = HTTPConnection(parts.hostname, parts.port, timeout=20)
                connection.request("POST" if payload else "GET", path, payload, headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status >= 400:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
            latencies.append(time.monotonic() - start)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "errors": errors[0],
    }


def measure(base: str, target: Target, seconds: int) -> dict:
    load = _wrk if shutil.which("wrk") else _python_load
    url = base + target.path
    if WARMUP:
        load(url, target.cookie, WARMUP, target.body, target.content_type)
    return load(url, target.cookie, seconds, target.body, target.content_type)


# --- The server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning",
               "--timeout", "60"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench__/ceiling", timeout=2)
            return server
        except urllib.error.HTTPError:
            return server  # it answers
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(pid) for pid in children.read_text().split()]
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
    return pids


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class MemorySampler(threading.Thread):
    """Samples the RSS of every gunicorn worker while an upload run goes on."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master, self.peak, self.start_mb = master, {}, {}
        self.running = True
        for pid in _workers(master):
            self.start_mb[pid] = self.peak[pid] = _rss_mb(pid)

    def run(self) -> None:
        while self.running:
            for pid in _workers(self.master):
                with contextlib.suppress(OSError):
                    self.peak[pid] = max(self.peak.get(pid, 0.0), _rss_mb(pid))
            time.sleep(0.05)

    def stop(self) -> dict:
        self.running = False
        self.join()
        return {
            "workers": len(self.start_mb),
            "start_mb": round(max(self.start_mb.values(), default=0), 1),
            "peak_mb": round(max(self.peak.values(), default=0), 1),
            "growth_mb": round(
                max((self.peak[pid] - self.start_mb.get(pid, self.peak[pid]) for pid in self.peak),
                    default=0),
                1,
            ),
        }  # fmt: skip


# --- The data


def _prepare_database() -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    from bench import seed
    from portal.tickets.models import Ticket

    if not Ticket.objects.exists():
        print(f"The benchmark database is empty: seeding {SEED_REQUESTS:,} requests…")
        call_command(seed.Command(), tickets=SEED_REQUESTS, messages_per_ticket=SEED_MESSAGES)
    return fixtures()


def _session_cookie(email: str) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from portal.accounts.models import User

    user = User.objects.get(email=email)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _upload_body(fields: dict[str, str]) -> tuple[Path, str]:
    """A NOVA SOLICITAÇÃO form with 10 PDF files of 2 MB, as a browser sends it."""
    boundary = "bench" + secrets.token_hex(12)
    path = OUT / "upload.body"
    with path.open("wb") as body:
        for name, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                       f"{value}\r\n".encode())  # fmt: skip
        pdf = b"%PDF-1.4\n" + b"%" * (UPLOAD_BYTES - 9)
        for n in range(UPLOAD_FILES):
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
                f'filename="peca-{n}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            )
            body.write(head.encode())
            body.write(pdf + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
    return path, f"multipart/form-data; boundary={boundary}"


def fixtures(upload: bool = True) -> dict:
    from django.db import connection
    from django.utils import timezone

    from bench.data import BENCH_AGENT, BENCH_COMPANY, BENCH_CONTACT, LONG_SUBJECT
    from portal.tickets.models import Department, Priority, Service, Ticket

    contact, agent = _session_cookie(BENCH_CONTACT), _session_cookie(BENCH_AGENT)
    csrf = secrets.token_hex(16)  # 32 characters of [0-9a-f], as Django expects
    long_request = (
        Ticket.objects.filter(subject=LONG_SUBJECT, company__name=BENCH_COMPANY)
        .order_by("-pk")
        .values_list("number", flat=True)
        .first()
    )
    department = Department.objects.order_by("position").first()
    data = {
        "vendor": connection.vendor,
        "requests": Ticket.objects.count(),
        "last_pk": Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "contact": contact,
        "agent": agent,
        "long_request": long_request,
        "department": department.pk,
    }
    if not upload:
        return data
    form = {
        "csrfmiddlewaretoken": csrf,
        "subject": "Campanha com dez peças (bench)",
        "department": str(department.pk),
        "service": str(Service.objects.order_by("position").first().pk),
        "priority": str(Priority.objects.order_by("position").first().pk),
        "body": "Seguem as dez peças da campanha em anexo.",
        "deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
    }
    body, content_type = _upload_body(form)
    return {
        **data,
        "upload_cookie": f"{contact}; csrftoken={csrf}",
        "body": body,
        "content_type": content_type,
    }


def _remove_uploads(last_pk: int) -> int:
    """Delete what the upload runs created: their requests and the 2 MB files on disk."""
    from portal.tickets.models import Attachment, Ticket

    created = Ticket.objects.filter(pk__gt=last_pk)
    attachments = Attachment.objects.filter(message__ticket__in=created)
    storage = Attachment._meta.get_field("file").storage
    for name in attachments.values_list("file", flat=True).iterator():
        with contextlib.suppress(OSError):
            storage.delete(name)
    count = created.count()
    created.delete()
    return count


def _get(base: str, target: Target) -> tuple[int, int, str]:
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        base + target.path, headers={"Cookie": target.cookie}
    )
    if target.body:
        request.data = target.body.read_bytes()
        request.add_header("Content-Type", target.content_type)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, len(response.read()), response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, len(error.read()), error.headers.get("Location", "")


# --- The run


def pages(data: dict) -> list[Target]:
    contact, agent = data["contact"], data["agent"]
    queue_two = f"/equipe/?status=in_progress&department={data['department']}"
    number = data["long_request"]
    return [
        Target("ATENDIMENTO list, first page", "/atendimento/", contact, key="list"),
        Target(
            "ATENDIMENTO list, status filter",
            "/atendimento/?status=in_progress",
            contact,
            key="list-status",
        ),
        Target("request page, 50 messages", f"/atendimento/{number}/", contact, key="request"),
        Target(
            "staff request page, 50 messages",
            f"/equipe/solicitacoes/{number}/",
            agent,
            key="staff-request",
        ),
        # The queue as it opens (unfinished requests, next commitment due first), then
        # with two filters.
        Target("staff queue, as it opens", "/equipe/", agent, key="queue"),
        Target("staff queue, two filters", queue_two, agent, key="queue-filters"),
        # A campaign name, as people search (1% of the client's requests), then a word
        # found in a third of all requests: the worst case, bounded by SEARCH_CANDIDATES.
        Target("search (client list)", f"/atendimento/?q={SEARCH_WORD}", contact, key="search"),
        Target("search (staff queue)", f"/equipe/?q={SEARCH_WORD}", agent, key="search-staff"),
        Target(
            "search, common word (client list)",
            "/atendimento/?q=relatorio",
            contact,
            key="search-common",
        ),
    ]


def fixed_pages(data: dict) -> list[Target]:
    """The stack's own cost: the ceiling (session, user, every middleware, a fixed
    page) and the floor (the same page, no session, no user, essential middleware)."""
    return [
        Target("ceiling", "/__bench__/ceiling?bytes=20000", data["contact"], key="ceiling"),
        Target("floor", "/__bench__/floor?bytes=20000", "", key="floor"),
    ]


def run() -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    environment()
    data = _prepare_database()
    tool = "wrk" if shutil.which("wrk") else "python (wrk missing: slower load generator)"
    print(f"Database: {data['vendor']}, {data['requests']:,} requests. Load: {tool}, "
          f"{CONNECTIONS} connections, {WARMUP} s warm-up + {SECONDS} s per page.")  # fmt: skip
    from django.db import connections

    connections.close_all()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(port)
    results: list[Result] = []
    memory: dict = {}
    stack: dict = {}
    try:
        for target in pages(data):
            status, size, _ = _get(base, target)
            if status != 200:
                raise SystemExit(f"{target.name}: {target.path} answered {status}")
            result = Result(target.name, target.path, bytes=size)
            result.__dict__.update(measure(base, target, SECONDS))
            ceiling = Target("ceiling", f"/__bench__/ceiling?bytes={size}", target.cookie)
            result.ceiling_rps = measure(base, ceiling, SECONDS)["rps"]
            results.append(result)
            _print_row(result)
        stack = _measure_stack(base, data)
        upload = Target("open a request, 10 files of 2 MB", "/atendimento/nova/",
                        data["upload_cookie"], data["body"], data["content_type"])  # fmt: skip
        status, _, location = _get(base, upload)
        if status != 302 or "/atendimento/" not in location:
            raise SystemExit(f"the upload answered {status} {location}: not a new request")
        sampler = MemorySampler(server.pid)
        sampler.start()
        result = Result(upload.name, upload.path)
        result.__dict__.update(measure(base, upload, UPLOAD_SECONDS))
        memory = sampler.stop()
        ceiling = Target("ceiling", "/__bench__/ceiling?bytes=0", upload.cookie, upload.body,
                         upload.content_type)  # fmt: skip
        result.ceiling_rps = measure(base, ceiling, UPLOAD_SECONDS)["rps"]
        results.append(result)
        _print_row(result)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        removed = _remove_uploads(data["last_pk"])
        with contextlib.suppress(OSError):
            data["body"].unlink()
    report = {
        "database": data["vendor"],
        "requests": data["requests"],
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load_tool": tool,
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "pages": [
            {**asdict(r), "share_of_ceiling": round(r.share, 3), "meets_targets": r.meets_targets}
            for r in results
        ],
        "upload_worker_memory": memory,
        "stack": stack,
        "upload_requests_removed": removed,
    }
    _print_table(report, results)
    for name in ("results.json", f"results-{data['vendor']}.json"):
        (OUT / name).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Written to {OUT / 'results.json'}")
    return report


def _measure_stack(base: str, data: dict) -> dict:
    """The ceiling against the floor: what every signed-in request pays before its page."""
    ceiling, floor = (measure(base, target, SECONDS) for target in fixed_pages(data))
    fixed_ms = 1000 / ceiling["rps"] - 1000 / floor["rps"]
    stack = {
        "ceiling_rps": round(ceiling["rps"], 1),
        "ceiling_p99_ms": round(ceiling["p99_ms"], 1),
        "floor_rps": round(floor["rps"], 1),
        "floor_p99_ms": round(floor["p99_ms"], 1),
        "share_of_floor": round(ceiling["rps"] / floor["rps"], 3),
        # Two workers serve at once: the CPU per request is about twice this.
        "fixed_cost_ms": round(fixed_ms, 2),
    }
    print(f"  measured the stack: ceiling {ceiling['rps']:.0f} req/s, floor {floor['rps']:.0f} "
          f"req/s", flush=True)  # fmt: skip
    return stack


def _print_row(result: Result) -> None:
    print(f"  measured {result.name}: {result.rps:.0f} req/s (ceiling {result.ceiling_rps:.0f})",
          flush=True)  # fmt: skip


def _print_table(report: dict, results: list[Result]) -> None:
    print()
    print(f"{report['database']} · {report['requests']:,} requests · {report['date']} · "
          f"{report['connections']} connections")  # fmt: skip
    header = f"| {'page':<34} | req/s | p50 ms | p99 ms | ceiling req/s | of ceiling | targets |"
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|")
    for r in results:
        ok = "met" if r.meets_targets else "MISSED"
        print(f"| {r.name:<34} | {r.rps:5.0f} | {r.p50_ms:6.1f} | {r.p99_ms:6.1f} | "
              f"{r.ceiling_rps:13.0f} | {r.share:9.0%} | {ok:<7} |")  # fmt: skip
    stack = report["stack"]
    if stack:
        ok = "met" if stack["share_of_floor"] >= TARGET_SHARE else "MISSED"
        print(f"The stack: ceiling {stack['ceiling_rps']:.0f} req/s (p99 "
              f"{stack['ceiling_p99_ms']} ms), bare floor {stack['floor_rps']:.0f} req/s "
              f"(p99 {stack['floor_p99_ms']} ms): the ceiling is {stack['share_of_floor']:.0%} "
              f"of the floor (target {TARGET_SHARE:.0%}: {ok}); fixed cost "
              f"{stack['fixed_cost_ms']:.2f} ms per request")  # fmt: skip
    memory = report["upload_worker_memory"]
    if memory:
        print(f"Worker memory during the uploads: {memory['start_mb']} MB at the start, "
              f"peak {memory['peak_mb']} MB (largest growth of one worker: "
              f"{memory['growth_mb']} MB)")  # fmt: skip


if __name__ == "__main__":
    run()
