"""Anonymising a client contact who leaves (LGPD, right to erasure), keeping the history.

The person's row stays, so their messages, requests, ratings and timeline entries keep
their author and still make sense to the company and the team; only what identifies the
person goes. Access records (the audit log, the record of sign-ins) are kept as they are:
the law requires them for at least six months (Marco Civil da Internet, art. 15), and
they are seen by the agency's admins alone.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.notifications.models import EmailOptOut, InboundEmail, Notification, OutboundEmail
from portal.notifications.reply_tokens import reply_tokens_revoke
from portal.tickets.models import Follower

# What the team and the company see in place of the person, everywhere their name was.
ANONYMOUS_NAME = "Ex-contato"
# .invalid is reserved (RFC 2606): no mail can ever be delivered there.
ANONYMOUS_DOMAIN = "anonimo.invalid"


def anonymous_email(user_id: int) -> str:
    """The unique address that replaces an anonymised contact's e-mail."""
    return f"ex-contato-{user_id}@{ANONYMOUS_DOMAIN}"


def _forget_emails(contact: User, old_address: str) -> None:
    """The outbox and the inbox stop naming the person: e-mails not yet delivered to
    them never will be, and what was sent to them or received from them loses its
    contents and their address (the rows stay, as the delivery record)."""
    to_them = OutboundEmail.objects.filter(Q(recipient=contact) | Q(to_address__iexact=old_address))
    with translation.override(settings.LANGUAGE_CODE):  # for the admins' outbox page
        reason = _("Not sent: the recipient was anonymised.")
    to_them.filter(status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.SENDING]).update(
        status=OutboundEmail.Status.FAILED, last_error=reason
    )
    to_them.update(to_address=contact.email, body_text="", body_html="", calendar="", headers={})
    InboundEmail.objects.filter(from_address__iexact=old_address).update(
        from_address=contact.email, subject="", detail=""
    )


@transaction.atomic
def contact_anonymise(*, actor: User, contact: User) -> bool:
    """Anonymise ``contact`` for good, as an agency admin (``actor``) decided.

    Their name becomes "Ex-contato" and their e-mail an address that receives nothing;
    they can never sign in again (no password, inactive, open sessions end at their next
    request); they follow nothing, are no company admin, have no reply address that
    works and no e-mail preferences; e-mails still waiting for them are not sent. Their
    messages and requests stay, attributed to "Ex-contato". Recorded in the audit log.

    Returns False, changing nothing, when the contact was already anonymised.
    """
    if not actor.is_admin:
        raise PermissionDenied
    # Only the user's row is locked (PostgreSQL locks no nullable side of a join).
    person = (
        User.objects.select_for_update(of=("self",)).select_related("company").get(pk=contact.pk)
    )
    if not person.is_contact:
        raise ValidationError(_("Only a client contact can be anonymised."))
    if person.anonymised_at is not None:
        return False
    old_address = person.email
    person.name = ANONYMOUS_NAME
    person.email = anonymous_email(person.pk)
    person.set_unusable_password()  # also ends every session signed in with the old one
    person.is_active = False
    person.is_company_admin = False
    person.must_change_password = False
    person.temporary_password_expires_at = None
    person.anonymised_at = timezone.now()
    person.save(
        update_fields=[
            "name",
            "email",
            "password",
            "is_active",
            "is_company_admin",
            "must_change_password",
            "temporary_password_expires_at",
            "anonymised_at",
        ]
    )
    Follower.objects.filter(user=person).delete()
    EmailOptOut.objects.filter(user=person).delete()  # every channel
    Notification.objects.filter(user=person).delete()
    reply_tokens_revoke(user=person)
    _forget_emails(person, old_address)
    audit.record(
        AuditEntry.Action.CONTACT_ANONYMISED,
        actor=actor,
        target=person.email,
        company=person.company.name if person.company else "",
    )
    contact.refresh_from_db()
    return True
