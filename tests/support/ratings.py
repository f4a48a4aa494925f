"""Ratings as the satisfaction capture (Como foi o atendimento?) records them."""

from __future__ import annotations

from portal.tickets.models import Rating


def rate(ticket, score: int, *, at=None, author=None, assignee=..., service=None) -> Rating:
    """A rating of ``ticket``; what it records (who attended, the service, the company)
    is taken from the ticket as it is now unless given."""
    fields = {
        "ticket": ticket,
        "author": author or ticket.opened_by,
        "assignee": ticket.assignee if assignee is ... else assignee,
        "service": service or ticket.service,
        "company": ticket.company,
        "score": score,
    }
    if at is not None:
        fields["created_at"] = at
    return Rating.objects.create(**fields)
