"""Reading answers from a mailbox: a small but real IMAP4 server on loopback, and imaplib."""

from __future__ import annotations

import base64
import re
import socketserver
import threading
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command

from portal.intake import mailbox
from portal.intake.mailbox import fetch_mail_if_configured, mailbox_from_url
from portal.notifications.models import InboundEmail, OutboundEmail
from portal.tickets.services import ticket_answer
from tests.support.factories import open_ticket
from tests.support.inbound import to_reply_address
from tests.support.mail import eml

pytestmark = pytest.mark.django_db

NOTIFICATION_ID = "<179557822747.22647.1990571739280246312@zweiarts.com.br>"
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


@pytest.fixture
def post(contact_a, john, agent):
    ticket = open_ticket(contact_a, subject="Post de Natal")
    ticket_answer(ticket=ticket, author=agent, body="Segue a segunda versão do post.")
    OutboundEmail.objects.filter(kind="request-answer", to_address=contact_a.email).update(
        message_id=NOTIFICATION_ID
    )
    return ticket


def delivered(sample: str, person, ticket) -> bytes:
    """The sample as the mailbox holds it: delivered to ``person``'s reply address."""
    return to_reply_address(eml(sample), person, ticket, header="Delivered-To")


def test_it_reads_unseen_messages_ingests_each_and_marks_them_seen(
    imap, post, contact_a, john, capsys
):
    imap.add(delivered("gmail-pt.eml", contact_a, post))
    imap.add(delivered("outlook-en-original-message.eml", john, post), seen=True)  # read already
    imap.add(eml("unknown-sender.eml"))
    imap.add(delivered("apple-mail-pt-with-photo.eml", contact_a, post))
    call_command("fetch_mail")
    assert "accepted: 2, refused: 1, failed: 0" in capsys.readouterr().out
    assert imap.logins == [(USER, PASSWORD)]
    assert imap.unseen() == []
    bodies = [m.body for m in post.messages.order_by("pk")][2:]
    assert bodies == [
        "Perfeito, pode seguir com a versão 2.\nSó troquem a cor do botão para verde.\n\nObrigada!",
        "Pode sim! Segue a foto do produto para usar no post.",
    ]
    refused = InboundEmail.objects.get(status=InboundEmail.Status.REFUSED)
    assert refused.source == "imap" and refused.reason == InboundEmail.Reason.UNKNOWN_SENDER
    # Read without marking, marked only once ingested.
    assert "UID FETCH" in imap.commands and "UID STORE" in imap.commands

    call_command("fetch_mail")
    assert "accepted: 0, refused: 0, failed: 0" in capsys.readouterr().out
    assert post.messages.count() == 4


def test_a_message_that_fails_to_ingest_stays_unseen_and_is_read_next_time(
    imap, post, contact_a, monkeypatch
):
    imap.add(delivered("gmail-pt.eml", contact_a, post))
    ingest = mailbox.ingest_email

    def crash(raw, *, source):
        raise RuntimeError("database went away")

    monkeypatch.setattr(mailbox, "ingest_email", crash)
    assert mailbox.fetch_mail() == {"accepted": 0, "refused": 0, "failed": 1}
    assert len(imap.unseen()) == 1
    monkeypatch.setattr(mailbox, "ingest_email", ingest)
    assert mailbox.fetch_mail() == {"accepted": 1, "refused": 0, "failed": 0}
    assert imap.unseen() == [] and post.messages.count() == 3


def test_the_periodic_job_reads_only_when_a_mailbox_is_configured(imap, post, john, settings):
    imap.add(delivered("apple-mail-en.eml", john, post))
    assert fetch_mail_if_configured() == {"accepted": 1, "refused": 0, "failed": 0}
    settings.INBOUND_IMAP_URL = ""
    imap.add(eml("gmail-pt.eml"))
    assert fetch_mail_if_configured() is None
    assert len(imap.unseen()) == 1


def test_a_forged_answer_in_the_mailbox_is_refused_and_marked_seen(imap, post, outbox):
    # From Ana, but not delivered to her reply address: anyone could have written it.
    imap.add(eml("gmail-pt.eml"))
    outbox.clear()
    assert fetch_mail_if_configured() == {"accepted": 0, "refused": 1, "failed": 0}
    assert imap.unseen() == [] and post.messages.count() == 2 and outbox == []
    assert InboundEmail.objects.get().reason == InboundEmail.Reason.UNAUTHENTICATED


def test_wrong_credentials_fail_loudly(imap, settings):
    settings.INBOUND_IMAP_URL = settings.INBOUND_IMAP_URL.replace("forte", "fraca")
    with pytest.raises(Exception, match="Invalid credentials"):
        call_command("fetch_mail")


def test_a_password_beyond_ascii_signs_in_with_sasl_plain(imap, post, john, settings):
    settings.INBOUND_IMAP_URL = re.sub(
        r":[^:@]+@", f":{quote('sênha-ç')}@", settings.INBOUND_IMAP_URL
    )
    imap.add(delivered("apple-mail-en.eml", john, post))
    assert fetch_mail_if_configured() == {"accepted": 1, "refused": 0, "failed": 0}
    assert imap.logins == [(USER, "sênha-ç")] and "AUTHENTICATE" in imap.commands


def test_the_command_needs_a_mailbox(settings):
    settings.INBOUND_IMAP_URL = ""
    with pytest.raises(CommandError):
        call_command("fetch_mail")


def test_mailbox_urls():
    box = mailbox_from_url("imaps://u%40x.com:p%3Aw@mail.example/Respostas")
    assert (box.host, box.port, box.username, box.password, box.folder, box.ssl) == (
        "mail.example",
        993,
        "u@x.com",
        "p:w",
        "Respostas",
        True,
    )
    box = mailbox_from_url("imap://u:p@mail.example?starttls=1")
    assert (box.port, box.folder, box.ssl, box.starttls) == (143, "INBOX", False, True)
