from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from portal.companies.models import Company


def companies_with_contact_counts() -> QuerySet[Company]:
    return Company.objects.annotate(
        contact_count=Count("contacts", filter=Q(contacts__is_active=True))
    ).order_by("name")
