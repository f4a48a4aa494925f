"""Two-factor sign-in: a code of an authenticator app (TOTP) after the password, or one
of ten single-use recovery codes. The use cases here are what the views call.

The TOTP secret is kept encrypted (Fernet, keyed from SECRET_KEY; SECRET_KEY_FALLBACKS
still decrypt, so a key rotation keeps everyone's authenticator working). Recovery codes
are kept as SHA-256 hashes: they are random, so a hash cannot be reversed by guessing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.accounts.models import RecoveryCode, TwoFactor, User
from portal.audit import log as audit
from portal.audit.models import AuditEntry

RECOVERY_CODE_COUNT = 10
# Codes of the step before and after the current one are accepted too: phones' clocks drift.
VALID_WINDOW = 1
STEP_SECONDS = 30
# No 0/o, 1/l/i: the codes are copied by hand from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

# How a second step was passed, as the audit log records it.
TOTP = "totp"
RECOVERY = "recovery_code"


# --- The secret, encrypted at rest


def _fernet() -> MultiFernet:
    """Encrypts with SECRET_KEY; decrypts with it or any of SECRET_KEY_FALLBACKS."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derived(key))) for key in keys])


def _derived(key: str | bytes) -> bytes:
    # A key of its own for this purpose, never the SECRET_KEY itself.
    return salted_hmac(
        "portal.accounts.two_factor", "totp-secret", secret=key, algorithm="sha256"
    ).digest()


def _encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def _decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def _totp(device: TwoFactor) -> pyotp.TOTP:
    return pyotp.TOTP(_decrypt(device.secret), interval=STEP_SECONDS)


# --- What enrolment shows


def secret_of(device: TwoFactor) -> str:
    """The base32 secret, to type into an app that cannot scan (shown during enrolment only)."""
    return _decrypt(device.secret)


def provisioning_uri(device: TwoFactor) -> str:
    return _totp(device).provisioning_uri(name=device.user.email, issuer_name=settings.AGENCY_NAME)


def qr_code_svg(device: TwoFactor) -> SafeString:
    """The otpauth:// link as a QR code, inline SVG drawn here (no outside service sees it)."""
    svg = segno.make(provisioning_uri(device), error="m").svg_inline(
        scale=5,
        dark="#000",
        light="#fff",
        svgclass="qr-code",
        title=_("QR code for your authenticator app"),
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup: paths of modules, no text from users


# --- Codes


def _step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with ten new ones and return them (shown once)."""
    codes = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _c in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_hash(code)) for code in codes
    )
    return codes


def _accept_totp(device: TwoFactor, code: str, now: datetime) -> bool:
    """Whether ``code`` is the app's code of a step near ``now`` not used before; taking it
    is a conditional UPDATE, so the same code posted twice at once is accepted once."""
    code = _normalised(code)
    if not (code.isdigit() and len(code) == 6):
        return False
    totp, current = _totp(device), _step(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if step > device.last_used_step and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            taken = TwoFactor.objects.filter(pk=device.pk, last_used_step__lt=step).update(
                last_used_step=step
            )
            if taken:
                device.last_used_step = step
            return bool(taken)
    return False


def _accept_recovery_code(user: User, code: str, now: datetime) -> bool:
    """Consume one of ``user``'s unused recovery codes (at most once, even at the same moment)."""
    return bool(
        RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at=None).update(
            used_at=now
        )
    )


def _confirmed_device(user: User) -> TwoFactor | None:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).first()


def second_step_pass(*, user: User, code: str, now: datetime | None = None) -> str | None:
    """Check the code typed at the second step of signing in: the app's code or a
    recovery code (spent). Returns how it passed (TOTP or RECOVERY), or None."""
    now = now or timezone.now()
    device = _confirmed_device(user)
    if device is None:
        return None
    if _accept_totp(device, code, now):
        return TOTP
    if _accept_recovery_code(user, code, now):
        left = RecoveryCode.objects.filter(user=user, used_at=None).count()
        audit.record(
            AuditEntry.Action.ACCESS_CHANGED,
            actor=user,
            target=user.email,
            two_factor="recovery_code_used",
            recovery_codes_left=left,
        )
        return RECOVERY
    return None


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


# --- Use cases


def _wrong_code() -> ValidationError:
    return ValidationError({"code": _("This code is not valid. Type the code your app shows now.")})


@transaction.atomic
def two_factor_begin(*, user: User) -> TwoFactor:
    """Start (or resume) enrolment: a new secret, unconfirmed until a code proves the app
    has it. Reloading the page keeps the secret the app may already have scanned."""
    device = TwoFactor.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise ValidationError(_("Two-step verification is already on."))
    if device is None:
        device = TwoFactor.objects.create(user=user, secret=_encrypt(pyotp.random_base32()))
    device.user = user
    return device


@transaction.atomic
def two_factor_confirm(*, user: User, code: str, now: datetime | None = None) -> list[str]:
    """Turn two-step verification on with the first code of the app; returns the ten
    recovery codes, which are never shown again."""
    now = now or timezone.now()
    device = TwoFactor.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        raise ValidationError(_("Start again: open the two-step verification page."))
    if not _accept_totp(device, code, now):
        raise _wrong_code()
    device.confirmed_at = now
    device.save(update_fields=["confirmed_at"])
    user.two_factor = device
    codes = _new_recovery_codes(user)
    audit.record(AuditEntry.Action.ACCESS_CHANGED, actor=user, target=user.email, two_factor="on")
    return codes


def _check_code(user: User, code: str, now: datetime) -> TwoFactor:
    device = _confirmed_device(user)
    if device is None:
        raise ValidationError(_("Two-step verification is off."))
    if not (_accept_totp(device, code, now) or _accept_recovery_code(user, code, now)):
        raise _wrong_code()
    return device


@transaction.atomic
def two_factor_disable(
    *, user: User, password: str, code: str, now: datetime | None = None
) -> None:
    """Turn it off: the password and a current code (or a recovery code), so a session
    left open is not enough to remove the second step."""
    # Compared with the stored hash only: User.check_password could re-hash and save.
    if not check_password(password, user.password):
        raise ValidationError({"password": _("Your password is incorrect.")})
    device = _check_code(user, code, now or timezone.now())
    device.delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(AuditEntry.Action.ACCESS_CHANGED, actor=user, target=user.email, two_factor="off")


@transaction.atomic
def recovery_codes_regenerate(*, user: User, code: str, now: datetime | None = None) -> list[str]:
    """Ten new recovery codes (the old ones stop working), with a current code."""
    _check_code(user, code, now or timezone.now())
    codes = _new_recovery_codes(user)
    audit.record(
        AuditEntry.Action.ACCESS_CHANGED,
        actor=user,
        target=user.email,
        two_factor="recovery_codes_regenerated",
    )
    return codes


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> None:
    """An admin turns off someone's two-step verification (a lost phone and lost codes);
    they sign in with the password alone, and enrol again."""
    if not actor.is_admin:
        raise ValidationError(_("Only administrators can do this."))
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot change your own access."))
    TwoFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(
        AuditEntry.Action.ACCESS_CHANGED, actor=actor, target=user.email, two_factor="reset"
    )
