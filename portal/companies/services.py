from __future__ import annotations

from typing import Any

from django.db import transaction

from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.companies.models import Company


@transaction.atomic
def company_create(*, name: str) -> Company:
    company = Company(name=name.strip())
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def company_update(*, company: Company, name: str, is_active: bool) -> None:
    """Rename ``company`` or (de)activate it, recording the change in the audit log.

    While a company is inactive its contacts cannot sign in, their open sessions end,
    they are not e-mailed and see no ticket (the accounts and tickets rules ask
    ``is_active``); reactivated, all of it comes back.
    """
    # From the database: a bound form has already written the new values on ``company``.
    before = Company.objects.select_for_update().values("name", "is_active").get(pk=company.pk)
    company.name = " ".join(name.split())
    company.is_active = is_active
    company.full_clean()
    company.save(update_fields=["name", "is_active"])
    changes: dict[str, Any] = {}
    if company.name != before["name"]:
        changes["renamed_from"] = before["name"]
    if company.is_active != before["is_active"]:
        changes["active"] = company.is_active
    if changes:
        audit.record(AuditEntry.Action.COMPANY_CHANGED, target=company.name, **changes)
