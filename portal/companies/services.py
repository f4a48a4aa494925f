from __future__ import annotations

from django.db import transaction

from portal.companies.models import Company


@transaction.atomic
def company_create(*, name: str) -> Company:
    company = Company(name=name.strip())
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def company_update(*, company: Company, name: str, is_active: bool) -> None:
    company.name = " ".join(name.split())
    company.is_active = is_active
    company.full_clean()
    company.save(update_fields=["name", "is_active"])
