"""Use cases of personal access tokens: create (the secret shown once), revoke, and
find the token a request presents."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.api.models import AccessToken
from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.commitments.calendar import end_of_day

# Tokens start with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "zwp_"  # noqa: S105 (a marker, not a secret)
SHOWN_PREFIX_LENGTH = 12
# Writing last_used_at on every call would make each read a write; once a minute is
# precise enough to tell a key in use from a forgotten one.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def hash_key(key: str) -> str:
    """SHA-256 of the token: enough for a random 256-bit secret (no dictionary to try)."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    token: AccessToken
    key: str  # the secret, given to the person once and never kept


@transaction.atomic
def token_create(
    *, user: User, name: str, scope: str, expires_on: datetime.date | None = None
) -> CreatedToken:
    """A new token for ``user``, valid until the end of ``expires_on`` (agency time) or
    until revoked. The secret is returned once; only its hash is stored."""
    if not user.may_sign_in():
        raise PermissionDenied("Only people who may sign in create API keys.")
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the key a name.")]
    if scope not in AccessToken.Scope.values:
        errors["scope"] = [_("Choose a scope.")]
    if expires_on is not None and expires_on < timezone.localdate():
        errors["expires_on"] = [_("Choose today or a later date.")]
    if errors:
        raise ValidationError(errors)
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=key[:SHOWN_PREFIX_LENGTH],
        key_hash=hash_key(key),
        scope=scope,
        expires_at=end_of_day(expires_on) if expires_on is not None else None,
    )
    audit.record(
        AuditEntry.Action.ACCESS_CHANGED,
        actor=user,
        target=user.email,
        api_key="created",
        name=token.name,
        prefix=token.prefix,
        scope=scope,
    )
    return CreatedToken(token=token, key=key)


@transaction.atomic
def token_revoke(*, token: AccessToken, actor: User) -> None:
    """Revoke one of the actor's own tokens: it stops working at once. Revoking twice
    changes nothing."""
    if token.user_id != actor.pk:
        raise PermissionDenied("Only the token's owner revokes it.")
    revoked = AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit.record(
            AuditEntry.Action.ACCESS_CHANGED,
            actor=actor,
            target=actor.email,
            api_key="revoked",
            name=token.name,
            prefix=token.prefix,
        )


def token_for_key(key: str, *, now: datetime.datetime | None = None) -> AccessToken | None:
    """The usable token whose secret is ``key`` (with its user and company), or None:
    unknown, revoked, expired, or its user may no longer sign in."""
    now = now or timezone.now()
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("user", "user__company")
        .filter(key_hash=hash_key(key))
        .first()
    )
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(user: User) -> list[AccessToken]:
    return list(AccessToken.objects.filter(user=user))
