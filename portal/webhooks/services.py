"""Use cases of webhooks: record an event for the endpoints subscribed to it, manage
endpoints (each change in the audit log), send a delivery again, test an endpoint, and
re-queue deliveries no task will send."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.contrib.auth import models as auth_models
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.tasks import default_task_backend
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.core.periodic import periodic_job
from portal.webhooks.addresses import check_url
from portal.webhooks.models import PING, Delivery, Endpoint, WebhookEvent, new_secret
from portal.webhooks.tasks import deliver_webhook

logger = logging.getLogger(__name__)

# With a backend that defers tasks, each retry has its task; only a delivery overdue by
# this much lost it (a worker killed), and the sweep queues it again.
LOST_AFTER = timedelta(minutes=2)
REQUEUE_BATCH = 500


def _deliver_after_commit(delivery: Delivery) -> None:
    # After the commit, not before: a change that rolls back sends nothing, and the
    # worker never looks for a row it cannot see yet. A task lost between the commit
    # and the enqueue is found by requeue_webhook_deliveries.
    transaction.on_commit(partial(deliver_webhook.enqueue, delivery.pk))


def _create(endpoint: Endpoint, event: str, content: Mapping[str, Any], at: datetime) -> Delivery:
    delivery_id = uuid.uuid4()
    payload = {
        "event": event,
        "delivery_id": str(delivery_id),
        "occurred_at": at.isoformat(),
        **content,
    }
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event=event,
        delivery_id=delivery_id,
        payload=payload,
        created_at=at,
        next_attempt_at=at,
    )
    _deliver_after_commit(delivery)
    return delivery


def events_record(
    events: Sequence[str],
    content: Callable[[], Mapping[str, Any]],
    *,
    internal: bool = False,
) -> list[Delivery]:
    """Queue ``events`` for the active endpoints subscribed to them, in the caller's
    transaction. ``content`` builds what the payload says besides the event, its
    delivery id and time (JSON-ready); it is called only when someone listens.
    ``internal``: about an internal note, which only endpoints that asked for them get.
    """
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(is_active=True)
        if not internal or endpoint.include_internal_notes
    ]
    wanted = [(e, event) for event in events for e in endpoints if e.subscribes_to(event)]
    if not wanted:
        return []
    built = content()
    now = timezone.now()
    return [_create(endpoint, event, built, now) for endpoint, event in wanted]


def _check_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(events))
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    unknown = [event for event in chosen if event not in WebhookEvent.values]
    if unknown:
        raise ValidationError({"events": _("Unknown event: %(event)s.") % {"event": unknown[0]}})
    return chosen


@transaction.atomic
def endpoint_save(
    *,
    endpoint: Endpoint | None,
    actor: auth_models._User,
    url: str,
    events: Iterable[str],
    description: str = "",
    include_internal_notes: bool = False,
    is_active: bool = True,
) -> Endpoint:
    """Register an endpoint (``endpoint`` None) or change one. The URL must reach the
    internet (portal/webhooks/addresses.py) now; it is checked again at each delivery."""
    url = url.strip()
    check_url(url)
    created = endpoint is None
    endpoint = endpoint or Endpoint(created_by=actor)
    endpoint.url = url
    endpoint.events = _check_events(events)
    endpoint.description = description.strip()
    endpoint.include_internal_notes = include_internal_notes
    endpoint.is_active = is_active
    endpoint.full_clean(exclude=["created_by"])
    endpoint.save()
    audit.record(
        AuditEntry.Action.WEBHOOK_CHANGED,
        actor=actor,
        target=endpoint.url,
        change="created" if created else "changed",
        events=endpoint.events,
        active=endpoint.is_active,
    )
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, actor: auth_models._User) -> Endpoint:
    """A new secret; deliveries still waiting are signed with it when they go."""
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    audit.record(
        AuditEntry.Action.WEBHOOK_CHANGED, actor=actor, target=endpoint.url, change="new secret"
    )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint, actor: auth_models._User) -> None:
    """Remove the endpoint and its delivery log (deactivating it keeps the log)."""
    audit.record(
        AuditEntry.Action.WEBHOOK_CHANGED, actor=actor, target=endpoint.url, change="deleted"
    )
    endpoint.delete()


@transaction.atomic
def endpoint_ping(*, endpoint: Endpoint, actor: auth_models._User) -> Delivery:
    """ "Enviar teste": a ``ping`` event to this endpoint only, delivered (and logged)
    like any other."""
    if not endpoint.is_active:
        raise ValidationError(_("Activate the webhook before testing it."))
    content = {"webhook": {"url": endpoint.url}, "sent_by": actor.email}
    return _create(endpoint, PING, content, timezone.now())


@transaction.atomic
def delivery_resend(*, delivery: Delivery, actor: auth_models._User) -> Delivery:
    """ "Reenviar": the same delivery (same id and payload, signed with the endpoint's
    current secret) gets a fresh series of attempts. The id stays, so a receiver that
    already processed it can tell."""
    delivery = Delivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    if delivery.status == Delivery.Status.PENDING:
        raise ValidationError(_("This delivery is still being tried."))
    if not delivery.endpoint.is_active:
        raise ValidationError(_("Activate the webhook before sending again."))
    now = timezone.now()
    delivery.status = Delivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.leased_until = None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "leased_until"])
    audit.record(
        AuditEntry.Action.WEBHOOK_RESENT,
        actor=actor,
        target=delivery.endpoint.url,
        event=delivery.event,
        delivery=str(delivery.delivery_id),
    )
    _deliver_after_commit(delivery)
    return delivery


@periodic_job(every=timedelta(minutes=1))
def requeue_webhook_deliveries(*, now: datetime | None = None) -> int:
    """Queue an attempt for each delivery that is due and that no live attempt holds.

    With a backend that cannot defer tasks, this is what retries failed deliveries;
    otherwise it only finds those whose task was lost. A delivery queued twice is still
    sent once: each attempt first claims it (delivery.claim).
    """
    now = now or timezone.now()
    overdue = now - LOST_AFTER if default_task_backend.supports_defer else now
    due = (
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=overdue)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:REQUEUE_BATCH]
    )
    queued = 0
    for delivery_id in list(due):
        deliver_webhook.enqueue(delivery_id)
        queued += 1
    if queued and default_task_backend.supports_defer:
        logger.warning("Re-queued %s webhook delivery(ies) no task would send", queued)
    return queued
