from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Clock(models.Model):
    """One promise of the guide's PRAZOS DE ATENDIMENTO, timed for one ticket.

    A running clock has ``due_at``; a paused one keeps the working time it had
    left in ``remaining_seconds`` instead, and gets a new ``due_at`` when it
    resumes. A stopped clock records when, and whether it was in time.
    """

    class Kind(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("first response")
        ADJUSTMENT = "adjustment", _("adjustments")
        DELIVERY = "delivery", _("delivery")

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        PAUSED = "paused", _("paused")
        MET = "met", _("met")
        MISSED = "missed", _("missed")
        CANCELLED = "cancelled", _("cancelled")

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.PositiveBigIntegerField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # Each warning goes out once per clock; a claimed timestamp marks it sent.
    warned_soon_at = models.DateTimeField(null=True, blank=True)
    warned_late_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [
            models.Index(fields=["due_at"], name="clock_running_due", condition=Q(state="running")),
            models.Index(fields=["ticket", "kind", "state"], name="clock_request_kind"),
            models.Index(fields=["kind", "stopped_at"], name="clock_kind_stopped"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of #{self.ticket_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.RUNNING, self.State.PAUSED)

    def is_late(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.RUNNING and self.due_at is not None and self.due_at <= now
