from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from portal.webhooks.models import Delivery, Endpoint


def endpoints_listed() -> QuerySet[Endpoint]:
    """Every endpoint with how many of its deliveries are waiting or failed."""
    return Endpoint.objects.annotate(
        pending_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING)),
        failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
    ).order_by("url", "pk")


def delivery_log(endpoint: Endpoint) -> QuerySet[Delivery]:
    """The endpoint's deliveries, latest first (on the webhook_delivery_log index)."""
    return Delivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")
