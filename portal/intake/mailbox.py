"""Reading answers from an IMAP mailbox (INBOUND_IMAP_URL).

Each unseen message is read without marking it (BODY.PEEK), ingested, and
only then flagged \\Seen: a crash between the two reads it again next time,
and the Message-ID check in ``ingest_email`` keeps it from being added twice.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.core.periodic import periodic_job
from portal.intake.inbound import ingest_email, max_inbound_bytes, refuse_too_large
from portal.notifications.models import InboundEmail

logger = logging.getLogger(__name__)

IMAP_TIMEOUT_SECONDS = 30
BATCH = 200  # messages per run; the rest on the next run


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    username: str
    password: str
    folder: str
    ssl: bool
    starttls: bool


def mailbox_from_url(url: str) -> Mailbox:
    """``imaps://user:pass@host:993/INBOX`` or ``imap://user:pass@host:143/INBOX?starttls=1``."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ImproperlyConfigured(
            "INBOUND_IMAP_URL must look like imaps://user:password@host:993/INBOX"
        )
    ssl = parts.scheme == "imaps"
    query = parse_qs(parts.query)
    return Mailbox(
        host=parts.hostname,
        port=parts.port or (993 if ssl else 143),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        ssl=ssl,
        starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
    )


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.ssl:
        return imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=IMAP_TIMEOUT_SECONDS)
    client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=IMAP_TIMEOUT_SECONDS)
    if mailbox.starttls:
        client.starttls()
    return client


def _login(client: imaplib.IMAP4, mailbox: Mailbox) -> None:
    if f"{mailbox.username}{mailbox.password}".isascii():
        client.login(mailbox.username, mailbox.password)
        return
    # LOGIN only carries ASCII (RFC 3501); SASL PLAIN carries UTF-8.
    credentials = f"\0{mailbox.username}\0{mailbox.password}".encode()
    client.authenticate("PLAIN", lambda challenge: credentials)


def _fetched_bytes(data: list) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _check(result: tuple[str, list], what: str) -> list:
    status, data = result
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what}: {data!r}")
    return data


def fetch_mail(url: str = "") -> dict[str, int]:
    """Ingest the unseen messages of the mailbox; return how many were accepted and refused."""
    mailbox = mailbox_from_url(url or settings.INBOUND_IMAP_URL)
    counts = {"accepted": 0, "refused": 0, "failed": 0}
    client = _connect(mailbox)
    try:
        _login(client, mailbox)
        _check(client.select(mailbox.folder), "SELECT")
        uids = _check(client.uid("SEARCH", "UNSEEN"), "SEARCH")[0].split()
        for uid in uids[:BATCH]:
            raw = _fetched_bytes(_check(client.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH"))
            if raw is None:
                continue
            try:
                if len(raw) > max_inbound_bytes():
                    record = refuse_too_large(raw[:65536], source=InboundEmail.Source.IMAP)
                else:
                    record = ingest_email(raw, source=InboundEmail.Source.IMAP)
            except Exception:
                # Left unseen, so it is tried again; the error is in the log.
                logger.exception("Inbound e-mail UID %s could not be ingested", uid)
                counts["failed"] += 1
                continue
            _check(client.uid("STORE", uid, "+FLAGS", "(\\Seen)"), "STORE")
            counts[record.status] += 1
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return counts


@periodic_job(every=timedelta(minutes=1), name="fetch_mail")
def fetch_mail_if_configured() -> dict[str, int] | None:
    """The periodic job: reads the mailbox when INBOUND_IMAP_URL is set, else nothing."""
    if not settings.INBOUND_IMAP_URL:
        return None
    return fetch_mail(settings.INBOUND_IMAP_URL)
