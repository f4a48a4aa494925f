"""Who hears about what happened to a request.

The request use cases (portal.requests.services) call these inside their
transaction, after the change is saved, so the e-mails they queue commit or
roll back with it. Each function decides the recipients and queues one e-mail
per recipient; none of them changes the request.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.requests.models import Message, Request


def request_opened(request: Request) -> None:
    """A client opened ``request`` (its first message is already saved)."""


def message_added(message: Message) -> None:
    """Someone added ``message`` to a request's conversation (maybe an internal note)."""


def status_changed(request: Request, *, actor: User | None, previous: str) -> None:
    """``request.status`` changed from ``previous``; ``actor`` is None for the system."""


def deadline_changed(
    request: Request, *, actor: User, previous: datetime.date, reason: str
) -> None:
    """Staff moved ``request.deadline`` from ``previous``, telling the client why."""


def assigned(request: Request, *, actor: User, previous: User | None) -> None:
    """``request.assignee`` changed (it may be None: nobody attends it now)."""


def confirmed(request: Request, *, actor: User) -> None:
    """The client confirmed the concluded request; it is closed."""
