"""Answers by e-mail: an answer to a notification becomes a message on its ticket.

The ticket is found from the answer's In-Reply-To/References (the Message-IDs
of our notifications, or a ticket's thread id) and, failing that, from a
"[#123]" tag in the subject. The From header proves nothing, so the sender
must be authenticated: the answer was sent to their own reply address for
that ticket (the token of the Reply-To of its notifications, see
notifications/reply_tokens.py), or, for a client contact only, the trusted
receiving server vouches for the From domain (authresults.py). The sender
must also be a participant of that ticket (an active contact who may see it,
or active staff); the answer then goes through ``ticket_answer``, with the
same checks on files, the same timeline entry and the same notifications as
one written on the portal. Anything else is refused, logged and recorded as
an InboundEmail, and never lands on another ticket. Refusal notices go only
to an authenticated sender and quote nothing of what arrived.

An e-mail that names no request (it answers none of our e-mails, did not come
to a reply address, and tags no request its sender sees) opens a new one when
its sender is an active client contact whose domain the trusted receiving
server vouches for: through ``ticket_open``, like NOVA SOLICITAÇÃO, with the
defaults of new_requests.py. Anyone else gets nothing, and it is recorded.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from portal.accounts.models import User, normalize_email
from portal.intake.authresults import vouches_for
from portal.intake.new_requests import (
    DefaultsMissing,
    request_deadline,
    request_defaults,
    request_subject,
)
from portal.intake.replies import reply_text
from portal.notifications.emails import from_address, inbound_address, reply_claim
from portal.notifications.emails import ticket_number_from_thread_id as number_from_thread
from portal.notifications.models import InboundEmail, OutboundEmail
from portal.tickets import notify
from portal.tickets.models import Ticket
from portal.tickets.services import ticket_answer, ticket_open
from portal.tickets.uploads import check_files

logger = logging.getLogger(__name__)

Reason = InboundEmail.Reason
_SUBJECT_TAG = re.compile(r"\[#(\d{1,9})\]")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
# Where the reply address an answer was sent to may show: the headers the sender
# wrote and those receiving servers add with the envelope recipient.
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


def max_inbound_bytes() -> int:
    """The largest e-mail worth reading: every allowed file at its size limit, in
    base64 (4/3), with room for the text."""
    return settings.ATTACHMENTS_MAX_FILES * settings.ATTACHMENTS_MAX_BYTES * 4 // 3 + 2**20


@dataclass
class _Received:
    message: EmailMessage
    message_id: str
    sender_address: str
    subject: str
    # Exactly one From header with one address: the only kind a domain's
    # signature can vouch for.
    single_sender: bool = False
    # Every address it was sent to, as its headers (and the provider) say.
    recipients: tuple[str, ...] = ()


def _headers(message: EmailMessage, name: str) -> list[str]:
    try:
        values = message.get_all(name) or []
        return [" ".join(str(value).split()) for value in values]
    except (TypeError, ValueError, IndexError):  # a header too broken to parse
        return []


def _header(message: EmailMessage, name: str) -> str:
    values = _headers(message, name)
    return values[0] if values else ""


def _read(raw: bytes, envelope_recipients: Sequence[str] = ()) -> _Received:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    from_headers = _headers(message, "From")
    addresses = getaddresses(from_headers[:1])
    sender = normalize_email(addresses[0][1]) if addresses else ""
    to = [value for name in _RECIPIENT_HEADERS for value in _headers(message, name)]
    recipients = [address for _, address in getaddresses([*to, *envelope_recipients])]
    return _Received(
        message=message,
        message_id=_header(message, "Message-ID")[:255],
        sender_address=sender[:254],
        subject=_header(message, "Subject")[:255],
        single_sender=len(from_headers) == 1 and len(addresses) == 1,
        recipients=tuple(address for address in recipients if address),
    )


def _is_automatic(received: _Received) -> bool:
    """Out-of-office robots, mailing lists, bounces, and our own notifications
    coming back: answering them would start a loop."""
    message = received.message
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if _header(message, "Precedence").lower() in _AUTOMATIC_PRECEDENCE:
        return True
    if _header(message, "X-Autoreply") or _header(message, "X-Autorespond"):
        return True
    return received.sender_address in {from_address().lower(), inbound_address().lower()}


def _referenced_ids(message: EmailMessage) -> list[str]:
    """Message-IDs this e-mail answers, the most direct first."""
    ids = _MESSAGE_ID.findall(_header(message, "In-Reply-To"))
    ids += reversed(_MESSAGE_ID.findall(_header(message, "References")))
    return list(dict.fromkeys(ids))


def find_ticket(message: EmailMessage, subject: str) -> tuple[Ticket | None, bool]:
    """The ticket an answer belongs to, and whether the e-mails it answers said so
    (rather than only the "[#123]" tag of its subject)."""
    for message_id in _referenced_ids(message):
        number = number_from_thread(message_id)
        if number is not None:
            return Ticket.objects.filter(number=number).first(), True
        ours = OutboundEmail.objects.filter(message_id=message_id).select_related("ticket").first()
        if ours is not None:
            # An answer to one of our e-mails that is not about a ticket (an
            # access e-mail, a warning to the team) is no answer to a ticket,
            # whatever its subject says.
            return ours.ticket, True
    tag = _SUBJECT_TAG.search(subject)
    if tag is not None:
        return Ticket.objects.filter(number=int(tag.group(1))).first(), False
    return None, False


def _is_participant(user: User, ticket: Ticket) -> bool:
    return user.is_active and Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists()


def _domain_vouched_for(received: _Received) -> bool:
    """Whether the trusted receiving server vouches for the sender's domain."""
    return received.single_sender and vouches_for(
        _headers(received.message, "Authentication-Results"),
        authserv_id=settings.INBOUND_TRUSTED_AUTHSERV_ID,
        from_domain=received.sender_address.rpartition("@")[2],
    )


def _unauthenticated(received: _Received, sender: User, ticket: Ticket) -> str | None:
    """None when ``sender`` is known to have sent this answer to ``ticket``; else why not,
    for the admins' page.

    Known means sent to the sender's own reply address for that ticket, or, for a
    client contact, from a domain the trusted receiving server vouches for. The
    team's answers reach clients, so they always need the reply address.
    """
    claims = [claim for claim in map(reply_claim, received.recipients) if claim is not None]
    own = [claim for claim in claims if claim.user_id == sender.pk]
    if any(claim.ticket_number == ticket.number for claim in own):
        return None
    if sender.is_contact and _domain_vouched_for(received):
        return None
    if own:
        return _("It was sent to the sender's reply address for another request.")
    if claims:
        return _("It was sent to another person's reply address.")
    return _("It was not sent to a valid reply address of the sender (it may have been revoked).")


def _attachments(message: EmailMessage) -> list[SimpleUploadedFile]:
    """Every file of the e-mail: attached, or inline (a pasted image) with a name."""
    bodies = {
        id(part)
        for part in (
            message.get_body(preferencelist=("plain",)),
            message.get_body(preferencelist=("html",)),
        )
        if part is not None
    }
    files = []
    for index, part in enumerate(message.walk()):
        if part.is_multipart() or id(part) in bodies:
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if not filename:
            if disposition != "attachment" and part.get_content_maintype() == "text":
                continue  # another piece of the body, not a file
            extension = mimetypes.guess_extension(part.get_content_type()) or ""
            filename = f"anexo-{index}{extension}"
        payload = part.get_payload(decode=True)  # bytes (or None) for a part that is no multipart
        content = payload if isinstance(payload, bytes) else b""
        files.append(SimpleUploadedFile(filename, content, content_type=part.get_content_type()))
    return files


def _record(received: _Received | None, source: str, **fields: Any) -> InboundEmail:
    if received is not None:
        fields.setdefault("message_id", received.message_id)
        fields.setdefault("from_address", received.sender_address)
        fields.setdefault("subject", received.subject)
    return InboundEmail.objects.create(source=source, **fields)


def _refuse(
    received: _Received | None,
    source: str,
    reason: str,
    *,
    detail: str = "",
    ticket: Ticket | None = None,
) -> InboundEmail:
    record = _record(
        received,
        source,
        status=InboundEmail.Status.REFUSED,
        reason=reason,
        detail=detail,
        ticket=ticket,
    )
    logger.warning(
        "Inbound e-mail %s from %s refused: %s %s",
        record.message_id or "(no Message-ID)",
        record.from_address or "(no sender)",
        reason,
        detail,
    )
    return record


def _earlier(received: _Received) -> InboundEmail | None:
    """The outcome of this same e-mail, if it was read (or posted) before."""
    if not received.message_id:
        return None
    earlier = InboundEmail.objects.filter(message_id=received.message_id)
    return earlier.filter(status=InboundEmail.Status.ACCEPTED).first() or earlier.first()


def refuse_too_large(head: bytes, *, source: str) -> InboundEmail:
    """Record an e-mail too large to read, from its first bytes (its headers)."""
    received = _read(head)
    return _earlier(received) or _refuse(received, source, Reason.TOO_LARGE)


def _explanation(reason: str) -> str:
    """Why an answer was refused, for the notice to its sender: in the portal's words
    only, quoting nothing of the e-mail (not even a file name), so that a notice never
    carries anyone's text to anyone."""
    if reason != Reason.INVALID:
        return str(Reason(reason).label)
    limits = _(
        "Send at most %(files)s files of up to %(megabytes)s MB each; programs, web pages"
        " and images with scripts are not accepted."
    ) % {
        "files": settings.ATTACHMENTS_MAX_FILES,
        "megabytes": f"{settings.ATTACHMENTS_MAX_BYTES / 2**20:g}",
    }
    return f"{Reason(reason).label}\n{limits}"


def _refuse_and_tell(
    received: _Received,
    source: str,
    reason: str,
    *,
    sender: User,
    ticket: Ticket,
    detail: str = "",
) -> InboundEmail:
    """Refuse an authenticated participant's answer and tell them why, so they can
    send it again. The ``detail`` (which may name their files) is for the admins."""
    with transaction.atomic():
        record = _refuse(received, source, reason, detail=detail, ticket=ticket)
        notify.answer_refused(ticket, recipient=sender, reason=_explanation(reason))
    return record


def _answer(received: _Received, source: str, *, sender: User, ticket: Ticket) -> InboundEmail:
    """Add the answer to ``ticket`` as the portal would, or refuse it for the same reasons."""
    refuse = partial(_refuse_and_tell, received, source, sender=sender, ticket=ticket)
    body = reply_text(received.message)
    try:
        files = check_files(_attachments(received.message))
    except ValidationError as error:
        return refuse(Reason.INVALID, detail="\n".join(error.messages))
    if files and not body:
        body = _("(files sent by e-mail)")
    if not body:
        return refuse(Reason.EMPTY)
    try:
        with transaction.atomic():
            message = ticket_answer(ticket=ticket, author=sender, body=body, files=files)
            return _record(
                received,
                source,
                status=InboundEmail.Status.ACCEPTED,
                ticket=ticket,
                answer=message,
            )
    except ValidationError as error:
        return refuse(Reason.INVALID, detail="\n".join(error.messages))


def _to_a_reply_address(received: _Received) -> bool:
    """Whether it was sent to a reply address (``inbound+token@``), valid or not: such an
    e-mail is about the request of its token, never a new one."""
    inbound_local, _at, inbound_domain = inbound_address().lower().rpartition("@")
    for address in received.recipients:
        local, _at, domain = address.lower().rpartition("@")
        if domain == inbound_domain and local.startswith(f"{inbound_local}+"):
            return True
    return False


def _names_a_request(
    received: _Received, sender: User, ticket: Ticket | None, answers_ours: bool
) -> bool:
    """Whether the e-mail is about a request rather than a new one: it answers one of
    our e-mails, came to a reply address, or its subject tags a request the sender
    sees. (Mail clients also cite e-mails that are not ours: those say nothing.)"""
    if answers_ours or _to_a_reply_address(received):
        return True
    return ticket is not None and _is_participant(sender, ticket)


def _submission_key(received: _Received) -> str:
    """The e-mail's one-time key for ``ticket_open``: read twice at the same moment by
    two workers, it opens one request (the second finds the first)."""
    if not received.message_id:
        return ""
    return hashlib.sha256(received.message_id.encode()).hexdigest()


def _open_request(received: _Received, source: str, *, sender: User) -> InboundEmail:
    """Open a request from an e-mail that names none, as NOVA SOLICITAÇÃO would (the
    same use case, file checks and confirmation e-mail), or refuse it and tell no one.

    Only a client contact of an active company opens requests, and only when the
    trusted receiving server vouches for their domain: there is no reply address to
    prove who wrote a new e-mail. A refused file refuses the whole e-mail, as it does
    an answer. The refusal details are in the portal's language, for the admins' page.
    """
    if not (sender.is_contact and sender.may_sign_in()):
        return _refuse(received, source, Reason.CANNOT_OPEN)
    if not _domain_vouched_for(received):
        detail = _(
            "A new request by e-mail needs the trusted receiving server to vouch for the"
            " sender's domain (INBOUND_TRUSTED_AUTHSERV_ID)."
        )
        return _refuse(received, source, Reason.UNAUTHENTICATED, detail=detail)
    try:
        defaults = request_defaults()
    except DefaultsMissing as missing:
        return _refuse(received, source, Reason.NO_DEFAULTS, detail=str(missing))
    try:
        files = check_files(_attachments(received.message))
    except ValidationError as error:
        return _refuse(received, source, Reason.INVALID, detail="\n".join(error.messages))
    body = reply_text(received.message)
    written = request_subject(received.subject)
    # What the request shows for what the e-mail lacks, in its author's words.
    with translation.override(sender.language or settings.LANGUAGE_CODE):
        subject = written or _("(no subject)")
        if not body and files:
            body = _("(files sent by e-mail)")
    # A request said in its subject alone ("Novo banner para o site") is still one.
    body = body or written
    if not body:
        return _refuse(received, source, Reason.EMPTY)
    try:
        with transaction.atomic():
            ticket = ticket_open(
                author=sender,
                subject=subject,
                department=defaults.department,
                service=defaults.service,
                priority=defaults.priority,
                body=body,
                deadline=request_deadline(),
                files=files,
                submission_key=_submission_key(received),
            )
            return _record(
                received,
                source,
                status=InboundEmail.Status.ACCEPTED,
                ticket=ticket,
                answer=ticket.messages.first(),
                # Tells the admins' page this one opened its request rather than answered it.
                detail=_("It opened a new request."),
            )
    except ValidationError as error:
        # The Prazo or the default service's required fields: the configuration's doing.
        check = _(
            "Check EMAIL_REQUEST_DEADLINE_DAYS and the required fields of the service"
            " “%(service)s”."
        ) % {"service": defaults.service.name}
        return _refuse(
            received, source, Reason.NO_DEFAULTS, detail="\n".join([check, *error.messages])
        )


def ingest_email(raw: bytes, *, source: str, recipients: Sequence[str] = ()) -> InboundEmail:
    """Add an e-mailed answer to its ticket, or open a request from a contact's e-mail
    that names none, or refuse it; either way, record it.

    ``recipients``: the envelope recipients, when the provider that posts the
    message tells them (they may hold the reply address the answer was sent to).
    """
    received = _read(raw, recipients)
    # Read again, or posted again by a provider that retries: the first outcome
    # stands (an answer is added once, a refusal notice sent once).
    earlier = _earlier(received)
    if earlier is not None:
        return earlier
    if _is_automatic(received):
        return _refuse(received, source, Reason.AUTOMATIC)
    sender = None
    if received.sender_address:
        sender = User.objects.filter(email__iexact=received.sender_address, is_active=True).first()
    if sender is None:
        return _refuse(received, source, Reason.UNKNOWN_SENDER)
    ticket, answers_a_notification = find_ticket(received.message, received.subject)
    try:
        if not _names_a_request(received, sender, ticket, answers_a_notification):
            with translation.override(settings.LANGUAGE_CODE):  # for the admins' page
                return _open_request(received, source, sender=sender)
        return _reply(
            received, source, sender=sender, ticket=ticket, answers_ours=answers_a_notification
        )
    except IntegrityError:
        # The same e-mail, read at the same moment by another worker, was added.
        earlier = _earlier(received)
        if earlier is None:
            raise
        return earlier


def _reply(
    received: _Received, source: str, *, sender: User, ticket: Ticket | None, answers_ours: bool
) -> InboundEmail:
    """An e-mail about a request: its answer, added or refused."""
    if ticket is None:
        return _refuse(received, source, Reason.NO_REQUEST)
    if sender.is_agency_staff and not answers_ours:
        # The team's answers reach the client, so they must answer a ticket's
        # notification: a subject tag alone may come from an internal e-mail.
        with translation.override(settings.LANGUAGE_CODE):  # for the admins' page
            detail = _("A team member's e-mail must answer a notification of the request.")
        return _refuse(received, source, Reason.NO_REQUEST, detail=detail)
    with translation.override(settings.LANGUAGE_CODE):  # for the admins' page
        unauthenticated = _unauthenticated(received, sender, ticket)
    if unauthenticated is not None:
        # Anyone can write a From header: no answer, to no one.
        return _refuse(
            received, source, Reason.UNAUTHENTICATED, detail=unauthenticated, ticket=ticket
        )
    if not _is_participant(sender, ticket):
        # No answer to the sender: they may not even know the ticket exists.
        return _refuse(received, source, Reason.NOT_PARTICIPANT, ticket=ticket)
    # Refusal details (file checks, …) in the sender's language: they are told them.
    with translation.override(sender.language or settings.LANGUAGE_CODE):
        if ticket.is_closed:
            return _refuse_and_tell(received, source, Reason.CLOSED, sender=sender, ticket=ticket)
        return _answer(received, source, sender=sender, ticket=ticket)
