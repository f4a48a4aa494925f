from __future__ import annotations

from django.db import transaction

from portal.companies.models import Company


@transaction.atomic
def company_create(*, name: str) -> Company:
    company = Company(name=name.strip())
    company.full_clean()
    company.save()
    return company
