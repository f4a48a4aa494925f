"""Render and queue e-mails.

Each kind of e-mail has three templates: ``emails/<kind>-subject.txt``,
``emails/<kind>-body.txt`` and ``emails/<kind>-body.html``. They are rendered
in the recipient's language and stored as an OutboundEmail in the caller's
transaction; the worker delivers it (see tasks.deliver_email).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import make_msgid
from django.tasks import default_task_backend
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst

from portal.notifications.coalesce import cut, new_markers
from portal.notifications.models import OutboundEmail
from portal.notifications.people import Recipient, Thread
from portal.notifications.preferences import ALWAYS_SENT, turned_off
from portal.notifications.reply_tokens import ReplyClaim, reply_token, verify_reply_token
from portal.notifications.tasks import deliver_email

logger = logging.getLogger(__name__)

# RFC 5321: the part of an address before the "@" has at most 64 characters.
_MAX_LOCAL_PART = 64


def _single_line(text: str) -> str:
    # A subject is one header line: folding any newline away keeps user text
    # (a ticket's subject, a name) from injecting headers.
    return " ".join(text.split())


def _message_domain() -> str:
    return from_address().rsplit("@", 1)[-1] or "localhost"


def from_address() -> str:
    """The bare address of DEFAULT_FROM_EMAIL (without its display name)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def inbound_address() -> str:
    """Where answers to notifications go: INBOUND_EMAIL_ADDRESS, or the sender's address."""
    return settings.INBOUND_EMAIL_ADDRESS or from_address()


def reply_address(recipient: Recipient, ticket: Thread) -> str:
    """Where ``recipient`` answers the notifications of ``ticket``: the inbound
    address with their token after a "+" (``atendimento+r12u7k…@domain``).

    The mailbox receives it as the inbound address (plus addressing); the intake
    accepts an answer only from the person the token names (reply_tokens.py).
    """
    local, _, domain = inbound_address().rpartition("@")
    personal = f"{local}+{reply_token(recipient, ticket)}"
    if len(personal) > _MAX_LOCAL_PART:
        logger.error(
            "INBOUND_EMAIL_ADDRESS %s leaves no room for a reply token: answers by"
            " e-mail cannot be authenticated; choose a local part of at most 23 characters",
            inbound_address(),
        )
        return inbound_address()
    return f"{personal}@{domain}"


def reply_claim(address: str) -> ReplyClaim | None:
    """Whose reply address ``address`` is, and for which ticket: None unless it is
    the inbound address with a valid token."""
    local, _, domain = address.strip().lower().rpartition("@")
    base, plus, token = local.rpartition("+")
    inbound_local, _, inbound_domain = inbound_address().lower().rpartition("@")
    if not plus or base != inbound_local or domain != inbound_domain:
        return None
    return verify_reply_token(token)


def thread_id(number: int) -> str:
    """A Message-ID that no e-mail has, shared by every notification of one ticket.

    Each notification points at it with In-Reply-To and References, so mail
    clients show a ticket's e-mails as one conversation, and an answer that
    quotes it leads back to the ticket.
    """
    return f"<request-{number}@{_message_domain()}>"


_THREAD_ID = re.compile(r"^<request-(\d{1,9})@([^>\s]+)>$")


def ticket_number_from_thread_id(message_id: str) -> int | None:
    match = _THREAD_ID.match(message_id.strip())
    if match is None or match.group(2).lower() != _message_domain().lower():
        return None
    return int(match.group(1))


def mailbox(name: str, address: str) -> str:
    """``"Name" <address>`` for From and Reply-To, with the name quoted as one phrase.

    Not email.utils.formataddr: it turns a non-ASCII name into an RFC 2047
    encoded-word, and the email package (which Django's messages use) decodes
    that before parsing the address list, so a name such as "Zé, eve@evil.test"
    would add a second address. A quoted display name stays one name.
    """
    return str(Address(display_name=_single_line(name), addr_spec=address))


def _ticket_headers(ticket: Thread, to: Recipient, sender_name: str) -> dict[str, str]:
    thread = thread_id(ticket.number)
    headers = {
        "In-Reply-To": thread,
        "References": thread,
        "Reply-To": mailbox(settings.AGENCY_NAME, reply_address(to, ticket)),
        # RFC 3834: out-of-office robots must not answer notifications (an
        # automatic answer would come back as a message on the ticket).
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if sender_name:
        # The person behind the update, shown by mail clients; the address stays ours.
        headers["From"] = mailbox(f"{sender_name} · {settings.AGENCY_NAME}", from_address())
    return headers


def ticket_subject(ticket: Thread, event: str) -> str:
    """``[#12] Concluída: confirme — Assunto``: the event first, where inboxes show it."""
    return _single_line(f"[#{ticket.number}] {capfirst(_single_line(event))} — {ticket.subject}")


def coalescing_window() -> timedelta | None:
    """How long a ticket e-mail waits for others to join it; None: it goes at once
    (EMAIL_COALESCE_SECONDS=0, or a task backend that cannot run a task later, such
    as the immediate one of the tests)."""
    seconds = settings.EMAIL_COALESCE_SECONDS
    if seconds <= 0 or not default_task_backend.supports_defer:
        return None
    return timedelta(seconds=seconds)


def queue_email(
    kind: str,
    *,
    to: Recipient,
    context: dict[str, Any] | None = None,
    ticket: Thread | None = None,
    sender_name: str = "",
    calendar: str = "",
    template: str | None = None,
    action: Any = "",
) -> OutboundEmail | None:
    """Render the e-mail ``kind`` for ``to`` and queue it for delivery, unless
    ``to`` turned that kind off (None then).

    An e-mail about a ``ticket`` joins that ticket's thread and asks for
    answers at ``to``'s reply address for it; ``sender_name`` names who caused it,
    ``action`` what they did, in words that follow their name ("answered"), for the
    lead sentence of a combined e-mail. Its subject template gives the event alone
    ("New answer"), put first in the subject. It waits EMAIL_COALESCE_SECONDS, and
    goes as one e-mail with the others queued meanwhile for ``to`` about ``ticket``
    (coalesce.py). A ``calendar`` (iCalendar text with a METHOD, such as REQUEST or
    CANCEL) goes with it as an invitation mail clients offer to add
    (tasks.build_message), never combined with anything.
    """
    if turned_off(to, kind):
        return None
    markers = new_markers()
    full_context = {
        "recipient": to,
        "agency_name": settings.AGENCY_NAME,
        "agency_color": settings.AGENCY_COLOR,
        "agency_logo_url": settings.AGENCY_LOGO_URL
        # The unhashed name: WhiteNoise serves it too, and it needs no manifest, so
        # e-mails render even where collectstatic has not run (the worker, tests).
        or f"{settings.PORTAL_BASE_URL}/{settings.STATIC_URL.strip('/')}/portal/logo.png",
        "base_url": settings.PORTAL_BASE_URL,
        **(context or {}),
        **markers.context(),
    }
    # Kinds are what people turn off; several kinds may share one set of templates.
    name = template or kind
    language = to.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _single_line(render_to_string(f"emails/{name}-subject.txt", full_context))
        event = subject
        if ticket is not None:
            subject = ticket_subject(ticket, subject)
        body_text, text_section = cut(
            render_to_string(f"emails/{name}-body.txt", full_context), markers
        )
        body_html, html_section = cut(
            render_to_string(f"emails/{name}-body.html", full_context), markers
        )
        action_words = _single_line(str(action)) if action else ""
    window = coalescing_window()
    parts: dict[str, Any] = {}
    combinable = ticket is not None and not calendar and kind not in ALWAYS_SENT
    if combinable and text_section is not None and html_section is not None:
        assert ticket is not None  # for the type checker: combinable says so
        parts = {
            "event": capfirst(event),
            "number": ticket.number,
            "title": _single_line(ticket.subject),
            "actor": _single_line(sender_name),
            "action": action_words,
            "language": language,
            "html": html_section,
            "text": text_section,
        }
    send_after = timezone.now() + window if parts and window is not None else None
    email = OutboundEmail.objects.create(
        kind=kind,
        to_address=to.email,
        recipient_id=to.pk,
        ticket_id=ticket.pk if ticket is not None else None,
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
        headers=_ticket_headers(ticket, to, sender_name) if ticket is not None else {},
        message_id=make_msgid(domain=_message_domain()),
        calendar=calendar,
        parts=parts,
        send_after=send_after,
    )
    if send_after is not None:
        deliver_email.using(run_after=send_after).enqueue(email.pk)
    else:
        deliver_email.enqueue(email.pk)
    return email
