"""Deadlines negotiated, not just moved: the team proposes a new Prazo with its reason,
the client accepts or refuses it, and a Prazo that passes with no new date agreed is
announced by the system itself.

The guide: "Caso a demanda exija um prazo maior do que o informado inicialmente, nossa
equipe notificará você prontamente através do ticket."
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.periodic import periodic_job
from portal.tickets import notify
from portal.tickets.models import DeadlineProposal, Event, Status, Ticket, check_deadline
from portal.tickets.services import _ensure_open, _lock, _record, _touch, move_deadline


def pending_proposal(ticket: Ticket) -> DeadlineProposal | None:
    return (
        DeadlineProposal.objects.filter(ticket=ticket, state=DeadlineProposal.State.PENDING)
        .select_related("proposed_by")
        .first()
    )


@transaction.atomic
def deadline_propose(
    *, ticket: Ticket, actor: User, deadline: datetime.date, reason: str
) -> DeadlineProposal:
    """An agent proposes a new Prazo (Propor novo prazo), with the reason the client
    reads. A proposal still waiting for an answer is replaced by the new one. A slip is
    announced before it happens: the new date is today or later."""
    if not actor.is_agency_staff:
        raise PermissionDenied("Only agency staff propose deadlines.")
    _lock(ticket)
    _ensure_open(ticket)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Tell the client why the deadline changes.")]
    try:
        check_deadline(deadline)
    except ValidationError as error:
        errors["deadline"] = error.messages
    else:
        if deadline == ticket.deadline:
            errors["deadline"] = [_("Choose a date different from the current one.")]
    if errors:
        raise ValidationError(errors)
    DeadlineProposal.objects.filter(ticket=ticket, state=DeadlineProposal.State.PENDING).update(
        state=DeadlineProposal.State.WITHDRAWN
    )
    proposal = DeadlineProposal.objects.create(
        ticket=ticket,
        proposed_by=actor,
        deadline=deadline,
        previous_deadline=ticket.deadline,
        reason=reason.strip(),
    )
    _touch(ticket)
    _record(
        ticket,
        Event.Kind.DEADLINE_PROPOSED,
        actor,
        **{
            "to": deadline.isoformat(),
            "from": ticket.deadline.isoformat(),
            "reason": reason.strip(),
        },
    )
    notify.deadline_proposed(proposal)
    return proposal


@transaction.atomic
def deadline_proposal_answer(
    *, proposal: DeadlineProposal, actor: User, accept: bool, comment: str = ""
) -> None:
    """The client accepts the proposed Prazo (it becomes the deadline; the original stays
    visible) or refuses it with a comment (the deadline stands, the team is told)."""
    ticket = proposal.ticket
    if not actor.is_contact or actor.company_id != ticket.company_id:
        raise PermissionDenied("Only the client answers a proposed deadline.")
    _lock(ticket)
    _ensure_open(ticket)
    # Re-read under the ticket's lock: answered twice (two tabs, two colleagues), the
    # second finds it answered.
    proposal.refresh_from_db()
    if proposal.state != DeadlineProposal.State.PENDING:
        raise ValidationError(_("This proposal was already answered or replaced."))
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Tell the team why you refuse the new deadline.")})
    proposal.answered_by, proposal.answered_at = actor, timezone.now()
    proposal.comment = comment.strip()
    if accept:
        proposal.state = DeadlineProposal.State.ACCEPTED
        proposal.save()
        _record(
            ticket,
            Event.Kind.DEADLINE_ACCEPTED,
            actor,
            to=proposal.deadline.isoformat(),
            **{"from": proposal.previous_deadline.isoformat()},
        )
        move_deadline(
            ticket,
            actor=actor,
            deadline=proposal.deadline,
            reason=proposal.reason,
            proposal=proposal.pk,
        )
    else:
        proposal.state = DeadlineProposal.State.REFUSED
        proposal.save()
        _touch(ticket)
        _record(
            ticket,
            Event.Kind.DEADLINE_REFUSED,
            actor,
            to=proposal.deadline.isoformat(),
            comment=proposal.comment,
        )
    notify.proposal_answered(proposal)


@periodic_job(every=datetime.timedelta(minutes=15))
def announce_overdue_tickets(*, today: datetime.date | None = None) -> int:
    """Tell the clients of the tickets whose Prazo passed with no new date agreed
    ("Prazo vencido: nossa equipe vai informar uma nova data"), once per Prazo; a
    conditional UPDATE claims each, so several workers never both send it."""
    today = today or timezone.localdate()
    due = (
        Ticket.objects.overdue(today)
        .filter(closed_at__isnull=True)
        .exclude(overdue_told_for=F("deadline"))
        .values_list("pk", flat=True)
    )
    told = 0
    for pk in list(due):
        with transaction.atomic():
            ticket = Ticket.objects.select_related("assignee").get(pk=pk)
            claimed = (
                Ticket.objects.filter(pk=pk, deadline=ticket.deadline)
                .exclude(status=Status.DONE)
                .exclude(overdue_told_for=ticket.deadline)
                .update(overdue_told_for=ticket.deadline)
            )
            if claimed:
                _record(ticket, Event.Kind.OVERDUE, None, deadline=ticket.deadline.isoformat())
                notify.overdue(ticket)
                told += 1
    return told
