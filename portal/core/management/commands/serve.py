from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


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
            "--access-logfile", "-", "--graceful-timeout", "10",
        ]  # fmt: skip
        worker = [sys.executable, "manage.py", "worker"]
        children = [subprocess.Popen(web), subprocess.Popen(worker)]
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
