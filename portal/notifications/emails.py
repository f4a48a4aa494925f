"""Render and queue e-mails.

Each kind of e-mail has three templates: ``emails/<kind>-subject.txt``,
``emails/<kind>-body.txt`` and ``emails/<kind>-body.html``. They are rendered
in the recipient's language and stored as an OutboundEmail in the caller's
transaction; the worker delivers it (see tasks.deliver_email).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation

from portal.accounts.models import User
from portal.notifications.models import OutboundEmail
from portal.notifications.tasks import deliver_email


def _single_line(text: str) -> str:
    # A subject is one header line: folding any newline away keeps user text
    # (a request's subject, a name) from injecting headers.
    return " ".join(text.split())


def _message_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"


def queue_email(kind: str, *, to: User, context: dict[str, Any] | None = None) -> OutboundEmail:
    """Render the e-mail ``kind`` for ``to`` and queue it for delivery."""
    full_context = {
        "recipient": to,
        "agency_name": settings.AGENCY_NAME,
        "agency_color": settings.AGENCY_COLOR,
        "agency_logo_url": settings.AGENCY_LOGO_URL
        or f"{settings.PORTAL_BASE_URL}{static('portal/logo.png')}",
        "base_url": settings.PORTAL_BASE_URL,
        **(context or {}),
    }
    with translation.override(to.language or settings.LANGUAGE_CODE):
        subject = _single_line(render_to_string(f"emails/{kind}-subject.txt", full_context))
        body_text = render_to_string(f"emails/{kind}-body.txt", full_context)
        body_html = render_to_string(f"emails/{kind}-body.html", full_context)
    email = OutboundEmail.objects.create(
        kind=kind,
        to_address=to.email,
        recipient=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        message_id=make_msgid(domain=_message_domain()),
    )
    deliver_email.enqueue(email.pk)
    return email


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    headers = {"Message-ID": email.message_id, **email.headers}
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_address],
        headers=headers,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message
