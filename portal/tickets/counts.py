"""Counts for the lists' tabs and quick views, remembered until a ticket changes.

Counting a filter's tickets per status reads its index alone, but for the team's queue
that index holds every ticket: at 100,000 tickets it was the page's largest query, paid
on every view although the answer changes only when a ticket does. With a cache every
app server shares (``TICKET_COUNTS_CACHE``, on when ``REDIS_URL`` is set) a count is
kept under the tickets' *generation*, a token that any saved or deleted ticket or
message replaces once its transaction commits: the first page after a change counts
again, the others read the cache. A count is keyed by its own SQL and parameters, so
it holds exactly what the query asked (the person's scope included) and nothing else.

Without a shared cache nothing is remembered: one worker's memory would not hear of
the changes another one made. Counts that move with the clock alone (Em risco,
Estourados) are never remembered.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import QuerySet

GENERATION = "tickets:counts:generation"


def remembered[R](query: QuerySet[Any, Any], count: Callable[[], R]) -> R:
    """``count()``, or what it answered for the same ``query`` since the last change."""
    if not settings.TICKET_COUNTS_CACHE:
        return count()
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # nothing to count (someone who sees no ticket): no query either
        return count()
    generation = cache.get(GENERATION)
    if generation is None:
        cache.add(GENERATION, secrets.token_hex(8), None)
        generation = cache.get(GENERATION)
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    key = f"tickets:counts:{generation}:{digest}"
    value = cache.get(key)
    if value is None:
        value = count()
        cache.set(key, value, settings.TICKET_COUNTS_CACHE_SECONDS)
    return value


def tickets_changed(**kwargs: Any) -> None:
    """A ticket or message was saved or deleted: once committed, every count is new.
    (A rolled-back change leaves the counts as they were.)"""
    if settings.TICKET_COUNTS_CACHE:
        transaction.on_commit(_new_generation, robust=True)


def _new_generation() -> None:
    cache.set(GENERATION, secrets.token_hex(8), None)
