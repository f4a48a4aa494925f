"""A client contact's copy of their data (LGPD art. 18: access and portability).

``personal_data_export`` builds a ZIP in a temporary file (the files can be many
megabytes; nothing is held in memory) with:

- ``data.json``: the profile (name, e-mail, company, language, role, dates), the
  e-mail preferences, the requests that are theirs (those they opened, wrote in or
  follow, with number, subject, status, catalogue and dates), their own messages
  (never the team's internal notes, never anyone else's messages), their ratings,
  their answers to proposed deadlines and what they did on each request;
- ``files/<request number>/<id>-<name>``: every file they sent, byte for byte, under
  a name safe on any system (the original name is in data.json);
- a short explanation in their language.

Only the contact's own company's requests are read, so nothing of another company
can appear even if a row were inconsistent.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.notifications.models import Channel
from portal.notifications.preferences import disabled_kinds, kinds_for
from portal.tickets.models import (
    Attachment,
    DeadlineProposal,
    Event,
    Follower,
    Message,
    Rating,
    Status,
    Ticket,
    TicketFieldAnswer,
)

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
_COPY_CHUNK = 256 * 1024
_UNSAFE_IN_NAME = re.compile(r"[^\w.\- ()]+")
_MAX_NAME = 100


@dataclass
class DataExport:
    """The ZIP, ready to be read from the start; closing ``file`` deletes it."""

    file: IO[bytes]
    filename: str


def safe_file_name(name: str) -> str:
    """``name`` as a plain file name: no folders, no control or reserved characters, no
    leading dot, at most 100 characters with its extension kept."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE_IN_NAME.sub("_", name).strip(" ._")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    extension = extension[:16]
    stem = stem[: _MAX_NAME - len(extension) - 1].rstrip(" ._")
    name = f"{stem}.{extension}" if extension and stem else stem
    return name or "file"


def _moment(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _zip_time(value: datetime.datetime) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(value)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def their_tickets(user: User) -> QuerySet[Ticket]:
    """The requests that are the contact's: opened by them, with a message of theirs,
    or followed by them; in their company only."""
    if user.company_id is None:
        return Ticket.objects.none()
    wrote = Message.objects.filter(ticket=OuterRef("pk"), author=user, is_internal=False)
    follows = Follower.objects.filter(ticket=OuterRef("pk"), user=user)
    return (
        Ticket.objects.filter(company_id=user.company_id)
        .annotate(wrote_in_it=Exists(wrote), follows_it=Exists(follows))
        .filter(Q(opened_by=user) | Q(wrote_in_it=True) | Q(follows_it=True))
        .select_related("department", "service", "priority")
        .prefetch_related(
            Prefetch("field_answers", queryset=TicketFieldAnswer.objects.order_by("position"))
        )
        .order_by("number")
    )


def _profile(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "email": user.email,
        "company": user.company.name if user.company else None,
        "role": user.role,
        "role_label": user.get_role_display(),
        "language": user.language,
        "company_admin": user.is_company_admin,
        "sees_own_requests_only": user.sees_own_requests_only,
        "joined_at": _moment(user.date_joined),
        "last_sign_in_at": _moment(user.last_login),
    }


def _preferences(user: User) -> dict[str, Any]:
    labels = {kind.key: str(kind.label) for kind in kinds_for(user)}
    return {
        channel_key: [
            {"kind": kind, "label": labels.get(kind, "")}
            for kind in sorted(disabled_kinds(user, channel))
        ]
        for channel_key, channel in (
            ("emails_turned_off", Channel.EMAIL),
            ("portal_notifications_turned_off", Channel.PORTAL),
        )
    }


def _request(ticket: Ticket, user: User) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "status_label": str(Status(ticket.status).label),
        "department": ticket.department.name,
        "service": ticket.service.name,
        "priority": ticket.priority.name,
        "deadline": _day(ticket.deadline),
        "original_deadline": _day(ticket.original_deadline),
        "opened_at": _moment(ticket.created_at),
        "last_update_at": _moment(ticket.last_activity_at),
        "concluded_at": _moment(ticket.concluded_at),
        "closed_at": _moment(ticket.closed_at),
        "opened_by_you": ticket.opened_by_id == user.pk,
        "you_wrote_in_it": ticket.wrote_in_it,  # type: ignore[attr-defined]
        "you_follow_it": ticket.follows_it,  # type: ignore[attr-defined]
        # What the service's own fields were answered, as asked then.
        "answers": [
            {"question": answer.label, "answer": answer.value}
            for answer in ticket.field_answers.all()
        ],
        "url": settings.PORTAL_BASE_URL + reverse("tickets:detail", args=[ticket.number]),
    }


def _add_file(archive: zipfile.ZipFile, attachment: Attachment, number: int) -> dict[str, Any]:
    """Copy one file into the archive in chunks; describe it for data.json."""
    entry: dict[str, Any] = {
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sent_at": _moment(attachment.created_at),
        "path": None,
        "sha256": None,
    }
    path = f"files/{number}/{attachment.pk}-{safe_file_name(attachment.original_name)}"
    info = zipfile.ZipInfo(path, date_time=_zip_time(attachment.created_at))
    info.compress_type = zipfile.ZIP_DEFLATED
    digest = hashlib.sha256()
    try:
        source = attachment.file.open("rb")
    except OSError:
        # The row outlived its file (storage restored from an older backup): say so.
        logger.warning("Data export: file of attachment %s is missing", attachment.pk)
        entry["missing"] = True
        return entry
    with source, archive.open(info, "w") as target:
        while chunk := source.read(_COPY_CHUNK):
            digest.update(chunk)
            target.write(chunk)
    entry.update(path=path, sha256=digest.hexdigest())
    return entry


def _messages(
    archive: zipfile.ZipFile, user: User, company_id: int
) -> tuple[list[dict[str, Any]], int]:
    rows = (
        Message.objects.filter(author=user, is_internal=False, ticket__company_id=company_id)
        .select_related("ticket")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    messages, files = [], 0
    for message in rows.iterator(chunk_size=200):
        number = message.ticket.number
        sent = [_add_file(archive, a, number) for a in message.attachments.all()]
        files += sum(1 for entry in sent if entry["path"])
        messages.append(
            {
                "request": number,
                "written_at": _moment(message.created_at),
                "text": message.body,
                "files": sent,
            }
        )
    return messages, files


def _ratings(user: User, company_id: int) -> list[dict[str, Any]]:
    rows = Rating.objects.filter(author=user, ticket__company_id=company_id)
    return [
        {
            "request": rating.ticket.number,
            "score": rating.score,
            "comment": rating.comment,
            "rated_at": _moment(rating.created_at),
        }
        for rating in rows.select_related("ticket").order_by("created_at", "pk")
    ]


def _deadline_answers(user: User, company_id: int) -> list[dict[str, Any]]:
    rows = DeadlineProposal.objects.filter(answered_by=user, ticket__company_id=company_id)
    return [
        {
            "request": proposal.ticket.number,
            "proposed_deadline": _day(proposal.deadline),
            "previous_deadline": _day(proposal.previous_deadline),
            "accepted": proposal.state == DeadlineProposal.State.ACCEPTED,
            "comment": proposal.comment,
            "answered_at": _moment(proposal.answered_at),
        }
        for proposal in rows.select_related("ticket").order_by("answered_at", "pk")
    ]


def _activity(user: User, company_id: int) -> list[dict[str, Any]]:
    rows = Event.objects.filter(actor=user, ticket__company_id=company_id)
    return [
        {
            "request": event.ticket.number,
            "what": event.kind,
            "what_label": event.get_kind_display(),
            "at": _moment(event.created_at),
        }
        for event in rows.select_related("ticket").order_by("created_at", "pk")
    ]


def _readme(user: User, generated_at: datetime.datetime) -> str:
    return _(
        "Your data in the %(agency)s portal, as of %(moment)s.\n"
        "\n"
        "data.json: your profile, your e-mail preferences, the requests that are yours"
        " (opened by you, with a message of yours, or followed by you), your messages,"
        " your ratings, your answers to proposed deadlines and what you did on each"
        " request. The team's internal notes and other people's messages are not your"
        " data and are not included.\n"
        "files/: the files you sent, one folder per request number; data.json gives"
        " each file's original name and its SHA-256 checksum.\n"
    ) % {"agency": settings.AGENCY_NAME, "moment": _moment(generated_at)}


def _write(
    archive: zipfile.ZipFile, user: User, company_id: int, generated_at: datetime.datetime
) -> dict[str, int]:
    messages, files = _messages(archive, user, company_id)
    requests = [_request(ticket, user) for ticket in their_tickets(user)]
    data = {
        "format": "zwei-portal-personal-data",
        "format_version": FORMAT_VERSION,
        "generated_at": _moment(generated_at),
        "agency": settings.AGENCY_NAME,
        "profile": _profile(user),
        "preferences": _preferences(user),
        "requests": requests,
        "messages": messages,
        "ratings": _ratings(user, company_id),
        "deadline_answers": _deadline_answers(user, company_id),
        "activity": _activity(user, company_id),
    }
    stamp = _zip_time(generated_at)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    archive.writestr(zipfile.ZipInfo("data.json", date_time=stamp), text, zipfile.ZIP_DEFLATED)
    archive.writestr(
        zipfile.ZipInfo(_("README.txt"), date_time=stamp),
        _readme(user, generated_at),
        zipfile.ZIP_DEFLATED,
    )
    return {"requests": len(requests), "messages": len(messages), "files": files}


def personal_data_export(*, user: User) -> DataExport:
    """Build the ZIP of ``user``'s data (a client contact) and record it in the audit log.

    Labels and the explanation are in the contact's language.
    """
    company_id = user.company_id
    if not user.is_contact or company_id is None:
        raise ValueError("Only client contacts have a data export.")
    generated_at = timezone.now()
    file = tempfile.TemporaryFile(prefix="portal-export-")  # noqa: SIM115 - the caller closes it
    try:
        with (
            translation.override(user.language or settings.LANGUAGE_CODE),
            zipfile.ZipFile(file, "w") as archive,
        ):
            counts = _write(archive, user, company_id, generated_at)
            prefix = _("my-data")
        filename = f"{prefix}-{timezone.localdate(generated_at).isoformat()}.zip"
    except BaseException:
        file.close()
        raise
    file.seek(0)
    audit.record(
        AuditEntry.Action.DATA_EXPORTED,
        actor=user,
        target=user.email,
        requests=counts["requests"],
        messages=counts["messages"],
        files=counts["files"],
    )
    return DataExport(file=file, filename=filename)
