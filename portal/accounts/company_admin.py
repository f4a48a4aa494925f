"""Minha empresa: what a client company's own administrators may do with its contacts.

A company admin invites colleagues, deactivates and reactivates them, and chooses
what each one sees. Never another company's contacts, never staff, and never their
own access (nobody locks themselves out); every change goes to the audit log, where
the agency sees it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.services import contact_invite, user_deactivate, user_reactivate
from portal.audit import log as audit
from portal.audit.models import AuditEntry


def is_company_admin(user: User) -> bool:
    return bool(user.is_active and user.is_contact and user.is_company_admin and user.company_id)


def _check_admin(actor: User) -> None:
    if not is_company_admin(actor):
        raise PermissionDenied("Only a company's administrators manage its contacts.")


def company_contacts(actor: User) -> QuerySet[User]:
    """The contacts of the actor's company, the only ones they may manage."""
    _check_admin(actor)
    return User.objects.contacts().filter(company_id=actor.company_id).order_by("name", "pk")


def _colleague(actor: User, contact: User) -> None:
    _check_admin(actor)
    if not contact.is_contact or contact.company_id != actor.company_id:
        raise PermissionDenied("A company admin manages their own company's contacts only.")


@transaction.atomic
def colleague_invite(*, actor: User, name: str, email: str, language: str = "") -> User:
    """Convidar colega: a new contact of the actor's company, with the usual access
    e-mail (temporary password, first access)."""
    _check_admin(actor)
    assert actor.company is not None  # a company admin always has one (is_company_admin)
    contact = contact_invite(company=actor.company, email=email, name=name, language=language)
    audit.record(
        AuditEntry.Action.CONTACT_CHANGED,
        actor=actor,
        target=contact.email,
        invited_by_company_admin=True,
    )
    return contact


def colleague_set_active(*, actor: User, contact: User, active: bool) -> None:
    """Deactivate a colleague who left (their sessions end, their history stays), or
    bring one back: the agency's own use cases, once the colleague is the actor's."""
    _colleague(actor, contact)
    if active:
        user_reactivate(actor=actor, user=contact)
    else:
        user_deactivate(actor=actor, user=contact)


@transaction.atomic
def colleague_set_visibility(*, actor: User, contact: User, own_only: bool) -> None:
    """What a colleague sees: every request of the company, or only the ones they opened
    or follow."""
    _colleague(actor, contact)
    contact.sees_own_requests_only = own_only
    contact.save(update_fields=["sees_own_requests_only"])
    audit.record(
        AuditEntry.Action.CONTACT_CHANGED,
        actor=actor,
        target=contact.email,
        sees_own_requests_only=own_only,
    )


@transaction.atomic
def contact_set_company_admin(*, actor: User | None, contact: User, is_admin: bool) -> None:
    """Staff (on Clientes) or the shell (``actor`` None: manage.py invite_contact
    --company-admin) make a contact one of their company's administrators, or no longer."""
    if actor is not None and not actor.is_agency_staff:
        raise PermissionDenied("Only the agency names a company's administrators.")
    if not contact.is_contact:
        raise ValidationError(_("Only a client contact can administer their company."))
    contact.is_company_admin = is_admin
    contact.save(update_fields=["is_company_admin"])
    audit.record(
        AuditEntry.Action.ACCESS_CHANGED,
        actor=actor,
        target=contact.email,
        company_admin=is_admin,
    )
