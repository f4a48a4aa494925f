"""A real HTTP receiver on the loopback interface, and an endpoint registered for it.

The portal refuses private and loopback addresses unless WEBHOOKS_ALLOW_PRIVATE is on,
so these tests turn it on (the SSRF tests turn it off again).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.webhooks.models import WebhookEvent
from portal.webhooks.services import endpoint_save


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str = ""
    requests: list[Received] = field(default_factory=list)
    # Status codes to answer, in order; 200 once they run out.
    codes: list[int] = field(default_factory=list)
    # When set, each request waits for it before answering (a receiver mid-answer).
    hold: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)

    def events(self) -> list[str]:
        return [request.headers["X-Portal-Event"] for request in self.requests]


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_TIMEOUT = 5


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            state.arrived.set()
            if state.hold is not None:
                state.hold.wait(10)
            code = state.codes.pop(0) if state.codes else 200
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if code < 300 else b"receiver broke")

        def log_message(self, format, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/portal?source=zwei"
    yield state
    if state.hold is not None:
        state.hold.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(receiver, admin_user):
    """Subscribed to every event of the requests."""
    return endpoint_save(
        endpoint=None, actor=admin_user, url=receiver.url, events=WebhookEvent.values
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block queues for after its commit (tests run inside a transaction
    that never commits), as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
