"""A small but real IMAP4 server on loopback for the mailbox tests (the ``imap`` fixture,
registered in conftest.py): it holds messages, flags and the commands it was sent."""

from __future__ import annotations

import base64
import re
import socketserver
import threading
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest

USER, PASSWORD = "respostas@zweiarts.com.br", 'senha "forte" \\ 1'


@dataclass
class StoredMessage:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[StoredMessage] = []
        self.accounts = {(USER, PASSWORD), (USER, "sênha-ç")}
        self.logins: list[tuple[str, str]] = []
        self.commands: list[str] = []

    def add(self, raw: bytes, *, seen: bool = False) -> None:
        flags = {"\\Seen"} if seen else set()
        self.messages.append(StoredMessage(len(self.messages) + 1, raw, flags))

    def unseen(self) -> list[StoredMessage]:
        return [m for m in self.messages if "\\Seen" not in m.flags]


def _atoms(text: str) -> list[str]:
    """IMAP arguments: atoms and quoted strings (with \\" and \\\\ escapes)."""
    return [
        re.sub(r'\\(["\\])', r"\1", quoted) if quoted or atom == "" else atom
        for quoted, atom in re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', text)
    ]


class IMAPHandler(socketserver.StreamRequestHandler):
    """Enough of IMAP4rev1 for imaplib: CAPABILITY, LOGIN, SELECT, (UID) SEARCH UNSEEN,
    (UID) FETCH (RFC822 / BODY.PEEK[]), (UID) STORE +FLAGS (\\Seen), LOGOUT."""

    mailbox: Mailbox

    def send(self, line: str | bytes) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self) -> None:
        self.send("* OK [CAPABILITY IMAP4rev1] test server ready")
        selected = False
        while line := self.rfile.readline():
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            self.mailbox.commands.append(command if command != "UID" else f"UID {args.split()[0]}")
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
                self.send(f"{tag} OK CAPABILITY completed")
            elif command in ("LOGIN", "AUTHENTICATE"):
                if command == "LOGIN":
                    user, password = _atoms(args)
                else:  # AUTHENTICATE PLAIN: "\0user\0password", base64, UTF-8
                    self.send("+ ")
                    plain = base64.b64decode(self.rfile.readline().strip()).decode()
                    _, user, password = plain.split("\0")
                self.mailbox.logins.append((user, password))
                if (user, password) not in self.mailbox.accounts:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
                    continue
                self.send(f"{tag} OK {command} completed")
            elif command == "SELECT":
                selected = _atoms(args)[0].upper() == "INBOX"
                if not selected:
                    self.send(f"{tag} NO no such mailbox")
                    continue
                self.send(f"* {len(self.mailbox.messages)} EXISTS")
                self.send("* FLAGS (\\Seen)")
                self.send(f"{tag} OK [READ-WRITE] SELECT completed")
            elif command == "LOGOUT":
                self.send("* BYE see you")
                self.send(f"{tag} OK LOGOUT completed")
                return
            elif not selected:
                self.send(f"{tag} BAD select a mailbox first")
            elif command == "UID":
                sub, _, sub_args = args.partition(" ")
                self.dispatch(tag, sub.upper(), sub_args, by_uid=True)
            else:
                self.dispatch(tag, command, args, by_uid=False)

    def find(self, ref: str, by_uid: bool) -> StoredMessage | None:
        messages = self.mailbox.messages
        if by_uid:
            return next((m for m in messages if m.uid == int(ref)), None)
        return messages[int(ref) - 1] if 0 < int(ref) <= len(messages) else None

    def dispatch(self, tag: str, command: str, args: str, *, by_uid: bool) -> None:
        if command == "SEARCH" and args.upper() == "UNSEEN":
            numbers = [
                str(m.uid if by_uid else self.mailbox.messages.index(m) + 1)
                for m in self.mailbox.unseen()
            ]
            self.send(" ".join(["* SEARCH", *numbers]))
        elif command == "FETCH":
            ref, _, items = args.partition(" ")
            message = self.find(ref, by_uid)
            if message is not None:
                peek = "BODY.PEEK[]" in items.upper()
                if not peek:
                    message.flags.add("\\Seen")  # RFC822 and BODY[] mark it read
                name = "BODY[]" if peek else "RFC822"
                number = self.mailbox.messages.index(message) + 1
                literal = f"{{{len(message.raw)}}}"
                head = f"* {number} FETCH (UID {message.uid} {name} {literal}\r\n"
                self.wfile.write(head.encode() + message.raw)
                self.send(")")
        elif command == "STORE":
            ref, _, change = args.partition(" ")
            message = self.find(ref, by_uid)
            if message is not None and change.upper().startswith("+FLAGS"):
                message.flags.update(re.findall(r"\\\w+", change))
                number = self.mailbox.messages.index(message) + 1
                self.send(f"* {number} FETCH (UID {message.uid} FLAGS ({' '.join(message.flags)}))")
        else:
            self.send(f"{tag} BAD unknown command")
            return
        self.send(f"{tag} OK {command} completed")


@pytest.fixture
def imap(settings):
    box = Mailbox()
    handler = type("Handler", (IMAPHandler,), {"mailbox": box})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    port = server.server_address[1]
    settings.INBOUND_IMAP_URL = (
        f"imap://{quote(USER, safe='')}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}/INBOX"
    )
    yield box
    server.shutdown()
    server.server_close()
