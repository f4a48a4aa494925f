"""Use cases about people and their access. Views, commands and tests call these."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts import throttle
from portal.accounts.access_links import access_link_url
from portal.accounts.models import Role, User, normalize_email
from portal.accounts.tasks import send_password_link
from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.companies.models import Company
from portal.notifications.emails import queue_email


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def _guard_anonymised(user: User) -> None:
    # An anonymised contact's name and e-mail are gone for good (portal/privacy):
    # giving the access back would hand the history to whoever gets the row.
    if user.anonymised_at is not None:
        raise ValidationError(_("This contact was anonymised: the access cannot be given back."))


@transaction.atomic
def user_send_access(*, user: User) -> None:
    """E-mail ``user`` a one-time link to choose their password ("Criar sua senha"),
    valid for INVITATION_LINK_DAYS. No password is ever sent (portal/accounts/access_links.py).

    A password the user already chose keeps working until the link is used. A temporary
    password an earlier version e-mailed stops working now: it travelled in clear.
    """
    _guard_anonymised(user)
    if user.must_change_password:
        user.set_unusable_password()
        user.must_change_password = False
        user.temporary_password_expires_at = None
        user.save(
            update_fields=["password", "must_change_password", "temporary_password_expires_at"]
        )
    audit.record(AuditEntry.Action.ACCESS_SENT, target=user.email)
    queue_email(
        "access",
        to=user,
        context={
            "access_url": access_link_url(user),
            "login_url": _absolute(reverse("accounts:login")),
            "valid_days": settings.INVITATION_LINK_DAYS,
        },
    )


def _create_user(
    *, email: str, name: str, role: str, company: Company | None, language: str
) -> User:
    user = User(
        email=normalize_email(email),
        name=name.strip(),
        role=role,
        company=company,
        language=language or settings.LANGUAGE_CODE,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def contact_invite(*, company: Company, email: str, name: str, language: str = "") -> User:
    """Create a client contact of ``company`` and e-mail their access."""
    user = _create_user(
        email=email, name=name, role=Role.CONTACT, company=company, language=language
    )
    user_send_access(user=user)
    return user


@transaction.atomic
def staff_invite(*, email: str, name: str, is_admin: bool = False, language: str = "") -> User:
    """Create an agent (or an admin) of the agency and e-mail their access."""
    role = Role.ADMIN if is_admin else Role.AGENT
    user = _create_user(email=email, name=name, role=role, company=None, language=language)
    user_send_access(user=user)
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str) -> None:
    """Store a password the user chose; a temporary one stops being required."""
    user.set_password(password)
    user.must_change_password = False
    user.temporary_password_expires_at = None
    user.save(update_fields=["password", "must_change_password", "temporary_password_expires_at"])
    audit.record(AuditEntry.Action.PASSWORD_CHANGED, actor=user)


@transaction.atomic
def password_reset_request(*, email: str, source: str) -> None:
    """Ask for a link to choose a new password for ``email``, from the address ``source``.

    The same work whatever the address: counted against the limits (per e-mail and per
    source, silently), then handed to a task that sends the link only if the address
    has an account. The caller shows the same answer either way, so neither the page
    nor its timing reveals which addresses have accounts.
    """
    if throttle.password_reset_allowed(email=email, source=source):
        send_password_link.enqueue(normalize_email(email))


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> bool:
    """Store the password chosen through a reset link (or an access link), once.

    ``user`` is the row as it was when the link was checked. The link's token is
    bound to the password hash, so the password is written only if that hash is
    still the stored one (a conditional UPDATE): when the same link is used twice
    at the same moment, one succeeds and the other returns False.
    """
    checked_hash = user.password
    user.set_password(password)
    written = User.objects.filter(pk=user.pk, password=checked_hash).update(
        password=user.password, must_change_password=False, temporary_password_expires_at=None
    )
    if not written:
        user.password = checked_hash
        return False
    user.must_change_password = False
    user.temporary_password_expires_at = None
    audit.record(AuditEntry.Action.PASSWORD_CHANGED, actor=user)
    return True


def user_update_profile(
    *, user: User, name: str, language: str, is_away: bool | None = None
) -> None:
    """One's own details; ``is_away`` (Ausente) only for the team, None leaves it."""
    user.name = name.strip()
    user.language = language
    if is_away is not None and user.is_agency_staff:
        user.is_away = is_away
    user.full_clean(exclude=["password"])
    user.save(update_fields=["name", "language", "is_away"])


@transaction.atomic
def staff_set_away(*, actor: User, user: User, is_away: bool) -> None:
    """An admin marks a member of the team Ausente (skipped by the round-robin) or back."""
    if not actor.is_admin:
        raise ValidationError(_("Only administrators can do this."))
    if not user.is_agency_staff:
        raise ValidationError(_("Only agency staff take requests in turn."))
    user.is_away = is_away
    user.save(update_fields=["is_away"])
    audit.record(AuditEntry.Action.ACCESS_CHANGED, actor=actor, target=user.email, away=is_away)


def _guard_self(actor: User, user: User) -> None:
    # An admin who removes their own access could leave the agency without one.
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot change your own access."))


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> None:
    """The user can no longer sign in (open sessions end too); their history stays."""
    _guard_self(actor, user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(AuditEntry.Action.ACCESS_CHANGED, actor=actor, target=user.email, active=False)


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> None:
    _guard_anonymised(user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(AuditEntry.Action.ACCESS_CHANGED, actor=actor, target=user.email, active=True)


@transaction.atomic
def staff_set_admin(*, actor: User, user: User, is_admin: bool) -> None:
    """Make an agent an admin, or an admin an agent again."""
    if not user.is_agency_staff:
        raise ValidationError(_("Only agency staff can be admins."))
    _guard_self(actor, user)
    user.role = Role.ADMIN if is_admin else Role.AGENT
    user.save(update_fields=["role"])
    audit.record(AuditEntry.Action.ACCESS_CHANGED, actor=actor, target=user.email, role=user.role)


@transaction.atomic
def contact_update(
    *, contact: User, name: str, language: str, sees_own_requests_only: bool
) -> None:
    _guard_anonymised(contact)
    contact.name = name.strip()
    contact.language = language
    contact.sees_own_requests_only = sees_own_requests_only
    contact.full_clean(exclude=["password"])
    contact.save(update_fields=["name", "language", "sees_own_requests_only"])
    audit.record(
        AuditEntry.Action.CONTACT_CHANGED,
        target=contact.email,
        language=language,
        sees_own_requests_only=sees_own_requests_only,
    )
