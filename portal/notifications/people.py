"""What the outbox needs to know of a person and of a ticket, and nothing more.

The outbox sits below the apps that define people and tickets (they queue e-mails
through it), so it names what it uses as protocols instead of importing their models:
any ``accounts.User`` is a Recipient, any ``tickets.Ticket`` a Thread.
"""

from __future__ import annotations

from typing import Any, Protocol


class Recipient(Protocol):
    pk: Any
    email: str
    language: str

    @property
    def is_agency_staff(self) -> bool: ...


class Thread(Protocol):
    """What an e-mail is about: its notifications share one thread per ticket number."""

    pk: Any
    number: int
    subject: str
