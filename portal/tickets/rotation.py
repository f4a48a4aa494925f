"""Rodízio: a department can give each new request to the next of its agents in turn.

Skipped are agents marked Ausente (``User.is_away``) and deactivated ones. The turn is
kept on the department (``last_in_turn``), whose row is locked while the next agent is
chosen: two requests opened at the same moment go to two agents, one after the other.
"""

from __future__ import annotations

from portal.accounts.models import User
from portal.tickets.models import Department, Ticket


def next_in_turn(department: Department) -> User | None:
    """The agent after the last one served, in a fixed order (who joined first), among the
    department's active members not away; None when there is nobody. Call it inside the
    transaction that assigns: the department stays locked until it ends."""
    locked = Department.objects.select_for_update().get(pk=department.pk)
    agents = list(
        locked.members.staff().active().filter(is_away=False).order_by("pk").only("pk", "name")
    )
    if not agents:
        return None
    last = locked.last_in_turn_id or 0
    agent = next((agent for agent in agents if agent.pk > last), agents[0])
    locked.last_in_turn = agent
    locked.save(update_fields=["last_in_turn"])
    return agent


def assign_in_turn(ticket: Ticket) -> User | None:
    """Give the just-opened ``ticket`` to its department's next agent, when the department
    works in turn, and return that agent (None: it waits in the queue as usual). The
    caller records it in the timeline and tells the agent; the ticket stays ABERTA until
    the agent takes it up."""
    if not ticket.department.round_robin:
        return None
    agent = next_in_turn(ticket.department)
    if agent is not None:
        ticket.assignee = agent
        ticket.save(update_fields=["assignee"])
    return agent
