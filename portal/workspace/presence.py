"""Who has a request's staff page open right now ("Carla também está vendo").

Kept in the cache, not the database: it is seconds-old news, written every few seconds
by each open page. With several app servers the cache must be shared (REDIS_URL), as
for the sign-in throttling. Two pages writing at the same instant may drop each other's
mark for one beat; the next beat restores it.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from portal.accounts.models import User
from portal.tickets.models import Ticket

# A page beats every PRESENCE_BEAT_SECONDS; a viewer missing for PRESENCE_SECONDS is gone.
PRESENCE_BEAT_SECONDS = 10
PRESENCE_SECONDS = 30


def _key(ticket: Ticket) -> str:
    return f"presence:ticket:{ticket.pk}"


def _current(ticket: Ticket, now: float) -> dict[int, tuple[str, float]]:
    viewers = cache.get(_key(ticket)) or {}
    return {pk: seen for pk, seen in viewers.items() if now - seen[1] < PRESENCE_SECONDS}


def viewing(*, ticket: Ticket, user: User) -> list[str]:
    """Record that ``user`` has ``ticket`` open now; the names of the others who do."""
    now = timezone.now().timestamp()
    viewers = _current(ticket, now)
    viewers[user.pk] = (user.name, now)
    cache.set(_key(ticket), viewers, PRESENCE_SECONDS * 2)
    return sorted(name for pk, (name, _at) in viewers.items() if pk != user.pk)


def left(*, ticket: Ticket, user: User) -> None:
    """``user`` closed the page: they stop showing at once."""
    viewers = _current(ticket, timezone.now().timestamp())
    if viewers.pop(user.pk, None) is not None:
        cache.set(_key(ticket), viewers, PRESENCE_SECONDS * 2)
