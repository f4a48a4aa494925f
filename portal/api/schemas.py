"""What the API sends and receives, as documented in its OpenAPI schema. Outputs are built
by the ``*_out`` functions from rows read with everything they need (no query per row)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from ninja import Schema

from portal.accounts.models import User
from portal.companies.models import Company
from portal.tickets.models import (
    Attachment,
    DeadlineProposal,
    Message,
    Status,
    Ticket,
    TicketFieldAnswer,
)


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class Named(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    name: str
    is_staff: bool


class TicketOut(Schema):
    number: int
    subject: str
    status: str
    status_label: str
    department: Named
    service: Named
    priority: Named
    company: Named
    opened_by: PersonOut
    assignee: PersonOut | None
    deadline: datetime.date
    original_deadline: datetime.date | None
    overdue: bool
    created_at: datetime.datetime
    last_activity_at: datetime.datetime
    closed_at: datetime.datetime | None
    web_url: str


class TicketPage(Schema):
    results: list[TicketOut]
    next: str | None


class AnswerOut(Schema):
    label: str
    kind: str
    value: str


class ProposalOut(Schema):
    id: int
    deadline: datetime.date
    previous_deadline: datetime.date
    reason: str
    proposed_by: PersonOut
    created_at: datetime.datetime


class TicketDetailOut(TicketOut):
    answers: list[AnswerOut]
    followers: list[PersonOut]
    pending_deadline_proposal: ProposalOut | None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    download_url: str


class MessageOut(Schema):
    id: int
    author: PersonOut
    body: str
    internal: bool
    created_at: datetime.datetime
    attachments: list[AttachmentOut]


class StatusIn(Schema):
    status: str
    seen: str | None = None


class AssignmentIn(Schema):
    assignee: int | None = None


class ClassificationIn(Schema):
    department: int
    service: int
    priority: int


class ProposalIn(Schema):
    deadline: str
    reason: str


class ProposalAnswerIn(Schema):
    accept: bool
    comment: str = ""


class FollowersIn(Schema):
    users: list[int]


class CompanyOut(Schema):
    id: int
    name: str
    is_active: bool
    contact_count: int


class ContactOut(Schema):
    id: int
    name: str
    email: str
    company: Named
    is_active: bool
    language: str
    sees_own_requests_only: bool
    is_company_admin: bool


class ContactIn(Schema):
    name: str
    email: str
    language: str = "pt-br"


def named(row: Any) -> dict[str, Any]:
    return {"id": row.pk, "name": row.name}


def person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": user.name, "is_staff": user.is_agency_staff}


def ticket_out(ticket: Ticket) -> dict[str, Any]:
    """Needs department, service, priority, company, opened_by and assignee selected."""
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "status_label": str(Status(ticket.status).label),
        "department": named(ticket.department),
        "service": named(ticket.service),
        "priority": named(ticket.priority),
        "company": named(ticket.company),
        "opened_by": person(ticket.opened_by),
        "assignee": person(ticket.assignee) if ticket.assignee else None,
        "deadline": ticket.deadline,
        "original_deadline": ticket.original_deadline,
        "overdue": ticket.is_overdue,
        "created_at": ticket.created_at,
        "last_activity_at": ticket.last_activity_at,
        "closed_at": ticket.closed_at,
        "web_url": reverse("tickets:detail", args=[ticket.number]),
    }


def proposal_out(proposal: DeadlineProposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "deadline": proposal.deadline,
        "previous_deadline": proposal.previous_deadline,
        "reason": proposal.reason,
        "proposed_by": person(proposal.proposed_by),
        "created_at": proposal.created_at,
    }


def ticket_detail_out(
    ticket: Ticket,
    *,
    answers: list[TicketFieldAnswer],
    followers: list[User],
    proposal: DeadlineProposal | None,
) -> dict[str, Any]:
    return {
        **ticket_out(ticket),
        "answers": [{"label": a.label, "kind": a.kind, "value": a.value} for a in answers],
        "followers": [person(user) for user in followers],
        "pending_deadline_proposal": proposal_out(proposal) if proposal else None,
    }


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "download_url": reverse("api_v1:attachment", args=[attachment.pk]),
    }


def message_out(message: Message) -> dict[str, Any]:
    """Needs the author selected and the attachments prefetched."""
    return {
        "id": message.pk,
        "author": person(message.author),
        "body": message.body,
        "internal": message.is_internal,
        "created_at": message.created_at,
        "attachments": [attachment_out(a) for a in message.attachments.all()],
    }


def company_out(company: Company) -> dict[str, Any]:
    """Needs ``contact_count`` annotated (companies.selectors)."""
    return {
        "id": company.pk,
        "name": company.name,
        "is_active": company.is_active,
        "contact_count": getattr(company, "contact_count", 0),
    }


def contact_out(contact: User) -> dict[str, Any]:
    """Needs the company selected."""
    assert contact.company is not None
    return {
        "id": contact.pk,
        "name": contact.name,
        "email": contact.email,
        "company": named(contact.company),
        "is_active": contact.is_active,
        "language": contact.language,
        "sees_own_requests_only": contact.sees_own_requests_only,
        "is_company_admin": contact.is_company_admin,
    }
