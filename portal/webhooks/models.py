from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    """What an endpoint can subscribe to: the requests' events, by stable names."""

    OPENED = "request.opened", _("Request opened")
    MESSAGE_ADDED = "request.message_added", _("Message added")
    STATUS_CHANGED = "request.status_changed", _("Status changed")
    ASSIGNED = "request.assigned", _("Assignee changed")
    DEADLINE_PROPOSED = "request.deadline_proposed", _("New deadline proposed")
    DEADLINE_ACCEPTED = "request.deadline_accepted", _("New deadline accepted")
    DEADLINE_REFUSED = "request.deadline_refused", _("New deadline refused")
    CONCLUDED = "request.concluded", _("Request concluded")
    CLOSED = "request.closed", _("Request closed")


# The test an admin sends from the endpoint's page ("Enviar teste"); nobody subscribes.
PING = "ping"


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


class Endpoint(models.Model):
    """A URL that receives the events it subscribes to, signed with its own secret.

    The secret is kept as is (not hashed): each delivery is signed with it, and admins
    read it on the endpoint's page to configure the receiver.
    """

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list, blank=True)
    # Internal notes are the team's own; only an endpoint that asks for them gets them.
    include_internal_notes = models.BooleanField(_("internal notes"), default=False)
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.url

    def subscribes_to(self, event: str) -> bool:
        return self.is_active and event in self.events


class Delivery(models.Model):
    """One event sent to one endpoint, and what became of it (the delivery log).

    Written in the transaction of the change it tells about, so a change that rolls
    back sends nothing. The worker claims it with a lease (``leased_until``) before it
    talks to the endpoint, so two workers never send it at once; a failed attempt
    moves ``next_attempt_at`` on, doubling the wait, until WEBHOOKS_MAX_ATTEMPTS.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=64)
    # The X-Portal-Delivery header: the same in every attempt, and when sent again,
    # so a receiver can tell a repeat from a new event.
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField()
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_log"),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
