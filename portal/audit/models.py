from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did what, when and from which address: kept for admins, never edited."""

    class Action(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("failed to sign in")
        PASSWORD_CHANGED = "password_changed", _("changed the password")
        ACCESS_SENT = "access_sent", _("access sent")
        STATUS_CHANGED = "status_changed", _("status changed")
        DEADLINE_CHANGED = "deadline_changed", _("deadline changed")
        STAFF_DOWNLOAD = "staff_download", _("downloaded a client's file")
        ACCESS_CHANGED = "access_changed", _("access changed")
        CONTACT_CHANGED = "contact_changed", _("contact changed (name, language, what they see)")
        COMPANY_CHANGED = "company_changed", _("company changed (name, active)")
        CATALOG_CHANGED = "catalog_changed", _("department, service or priority changed")
        EMAIL_RESENT = "email_resent", _("e-mail sent again")
        DATA_EXPORTED = "data_exported", _("downloaded their data")
        CONTACT_ANONYMISED = "contact_anonymised", _("contact anonymised")
        WEBHOOK_CHANGED = "webhook_changed", _("webhook changed (added, edited, secret, removed)")
        WEBHOOK_RESENT = "webhook_resent", _("webhook delivery sent again")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: the e-mail typed at a failed login has no user, and a
    # deleted user's entries must still say who it was.
    actor_email = models.CharField(max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    target = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="audit_action_time"),
            models.Index(fields=["actor_email", "-created_at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.target}"
