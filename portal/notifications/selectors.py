"""Reads for the outbox and inbox pages (admins only)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from portal.notifications.models import InboundEmail, OutboundEmail


def outbound_emails(*, status: str = "") -> QuerySet[OutboundEmail]:
    """Each message once: the e-mails sent inside another one count as part of it."""
    emails = (
        OutboundEmail.objects.filter(part_of__isnull=True)
        .select_related("ticket")
        .defer("body_text", "body_html", "parts")
        .annotate(merged_count=Count("merged"))
    )
    if status in OutboundEmail.Status.values:
        emails = emails.filter(status=status)
    return emails.order_by("-created_at", "-pk")


def outbound_status_counts() -> dict[str, int]:
    counts = dict.fromkeys(OutboundEmail.Status.values, 0)
    rows = (
        OutboundEmail.objects.filter(part_of__isnull=True)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def inbound_emails(*, status: str = "") -> QuerySet[InboundEmail]:
    emails = InboundEmail.objects.select_related("ticket")
    if status in InboundEmail.Status.values:
        emails = emails.filter(status=status)
    return emails.order_by("-received_at", "-pk")
