"""A mail server that hangs: it accepts connections on loopback and never says a word."""

from __future__ import annotations

import socket
import threading


class SilentSMTPServer:
    """Accepts every TCP connection and holds it open without a greeting, as a mail
    server does when it hangs. ``connected`` is set once a client is waiting on it."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connected = threading.Event()
        self.stopped = threading.Event()
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()

    def serve(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.held.append(connection)  # never read from, never written to
            self.connected.set()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        for connection in self.held:
            connection.close()
        self.listener.close()
