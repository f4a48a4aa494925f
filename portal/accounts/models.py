from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONTACT = "contact", _("Client contact")
    AGENT = "agent", _("Agent")
    ADMIN = "admin", _("Administrator")


# Agency staff: who works requests in the workspace (as opposed to client contacts).
STAFF_ROLES = (Role.AGENT, Role.ADMIN)


def normalize_email(email: str) -> str:
    """E-mail addresses are unique regardless of case: keep one spelling."""
    return email.strip().lower()


class UserQuerySet(models.QuerySet["User"]):
    def staff(self) -> UserQuerySet:
        """Agents and admins of the agency."""
        return self.filter(role__in=STAFF_ROLES)

    def contacts(self) -> UserQuerySet:
        return self.filter(role=Role.CONTACT)

    def active(self) -> UserQuerySet:
        return self.filter(is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email=normalize_email(email))

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("name", email.split("@")[0])
        return self.create_user(email, password, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: agency staff (agents, admins) or a client contact.

    There is no username; the e-mail is the login. A contact always belongs to
    a company; staff never do.
    """

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CONTACT)
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    # A contact normally sees every request of their company; an admin can
    # narrow one contact to the requests they opened themselves.
    sees_own_requests_only = models.BooleanField(_("sees only own requests"), default=False)
    # A contact who manages their company's contacts in Minha empresa (several may).
    is_company_admin = models.BooleanField(_("company administrator"), default=False)
    # Set for invited users until they choose their own password.
    must_change_password = models.BooleanField(default=False)
    temporary_password_expires_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when an admin anonymised this contact (LGPD, portal/privacy/services.py): the
    # name and e-mail are gone for good, so the access can never be given back.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Ausente: an agent away (holidays, leave) is skipped by the departments' round-robin.
    is_away = models.BooleanField(_("away"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message=_("There is already an account with this e-mail."),
            ),
            models.CheckConstraint(
                condition=(models.Q(role="contact", company__isnull=False))
                | (~models.Q(role="contact") & models.Q(company__isnull=True)),
                name="user_contact_has_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)

    @property
    def is_staff(self) -> bool:
        """Django admin access: superusers only. Agency staff use the workspace."""
        return self.is_superuser

    @property
    def is_agency_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_contact(self) -> bool:
        return self.role == Role.CONTACT

    @property
    def has_two_factor(self) -> bool:
        """Whether signing in asks for a code of an authenticator app after the password.

        The backend loads the TwoFactor row with the user (select_related), so asking on
        every page costs no query."""
        try:
            return self.two_factor.confirmed_at is not None
        except ObjectDoesNotExist:
            return False

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    def may_sign_in(self) -> bool:
        """Active, and for a client contact, of a company the agency has not deactivated.
        Either deactivation closes the door: sign-in, open sessions, e-mails."""
        return self.is_active and (self.company is None or self.company.is_active)

    @property
    def awaits_first_access(self) -> bool:
        """Invited and not in yet: no password of their own (their "Criar sua senha" link
        waits in their inbox), or still the temporary one an earlier version e-mailed."""
        return self.must_change_password or not self.has_usable_password()

    def temporary_password_expired(self, now: datetime | None = None) -> bool:
        """An invitation's temporary password stops working after its deadline."""
        if self.temporary_password_expires_at is None:
            return False
        return (now or timezone.now()) >= self.temporary_password_expires_at


class LoginAttempt(models.Model):
    """One try at the login form, kept for throttling and for the audit trail."""

    email = models.CharField(max_length=254)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["email", "created_at"], name="loginattempt_email_time"),
            models.Index(fields=["ip_address", "created_at"], name="loginattempt_ip_time"),
        ]

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else "failed"
        return f"{self.email} from {self.ip_address} ({outcome})"


class Throttle(models.Model):
    """How often something happened lately for one key: failed logins from one source
    address, password links asked for one e-mail or from one source.

    Its row is locked while it is counted, so parallel requests cannot all slip under
    a limit, and every app server sees the same count (portal/accounts/throttle.py).
    """

    class Scope(models.TextChoices):
        LOGIN_SOURCE = "login-source", _("failed logins from one address")
        RESET_EMAIL = "reset-email", _("password links asked for one e-mail")
        RESET_SOURCE = "reset-source", _("password links asked from one address")
        SECOND_STEP_ACCOUNT = "2fa-account", _("wrong verification codes for one account")

    scope = models.CharField(max_length=16, choices=Scope.choices)
    key = models.CharField(max_length=254)
    count = models.PositiveIntegerField(default=0)
    # When the count started (links: per hour) and when it last grew (logins: the delay).
    started_at = models.DateTimeField(default=timezone.now)
    last_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="throttle_scope_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.count}"


class TwoFactor(models.Model):
    """A user's authenticator app (TOTP, RFC 6238): the shared secret, encrypted.

    The row exists from the moment enrolment starts; it counts only once confirmed with a
    code (``confirmed_at``). ``last_used_step`` is the 30-second step of the last code
    accepted: a code is accepted once, and never one older than the last.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    # Fernet token of the base32 secret, keyed from SECRET_KEY (portal/accounts/two_factor.py).
    secret = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user_id} {'confirmed' if self.confirmed_at else 'pending'}"


class RecoveryCode(models.Model):
    """One of the ten single-use codes that replace the authenticator app once each.
    Only a SHA-256 of the code is kept (the codes are random, 50 bits)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "code_hash"], name="recoverycode_user_hash_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {'used' if self.used_at else 'unused'}"
