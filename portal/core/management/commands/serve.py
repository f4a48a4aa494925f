from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

# gunicorn's default line, plus the request id the portal answered with (X-Request-ID).
ACCESS_LOG_FORMAT = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
)


def metrics_environment() -> dict[str, str]:
    """With /metrics on, gunicorn's workers count into one directory, emptied now (the
    counts of a previous run are not this one's), so any worker's scrape adds them all
    up; a PROMETHEUS_MULTIPROC_DIR already set is the operator's to manage."""
    if not settings.METRICS_TOKEN or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return {}
    directory = Path(settings.VAR_DIR) / "prometheus"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return {"PROMETHEUS_MULTIPROC_DIR": str(directory)}


class Command(BaseCommand):
    help = "Run the web server (gunicorn) and the task worker together, as in production."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2"))
        )

    def handle(self, *args, port: int, host: str, web_workers: int, **options) -> None:
        web = [
            sys.executable, "-m", "gunicorn", "portal.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(web_workers),
            "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
            "--graceful-timeout", "10",
        ]  # fmt: skip
        worker = [sys.executable, "manage.py", "worker"]
        web_environment = {**os.environ, **metrics_environment()}
        children = [subprocess.Popen(web, env=web_environment), subprocess.Popen(worker)]
        address = f"[{host}]" if ":" in host else host
        self.stdout.write(
            self.style.SUCCESS(
                f"{settings.AGENCY_NAME} portal: http://{address}:{port}/ "
                f"(e-mailed links: {settings.PORTAL_BASE_URL}/); Ctrl+C stops it"
            )
        )

        def stop(signum, frame) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # If either process dies, stop the other: half a portal is worse than none.
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        stop(None, None)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
