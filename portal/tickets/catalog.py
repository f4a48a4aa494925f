"""Use cases for the catalogue admins manage: departments, services, priorities, and the
fields a service asks on NOVA SOLICITAÇÃO."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from portal.accounts.models import User
from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.tickets.models import CatalogEntry, Department, ServiceField

# The guide's own values (Departamento, Serviços, Prioridade), in the order it lists
# them; migration 0009 installs them on every database. Admins change them later.
GUIDE_DEPARTMENTS = ["Atendimento", "Financeiro"]
GUIDE_SERVICES = [
    "Redes Sociais",
    "Atualização / Website",
    "Design Gráfico",
    "E-mail Marketing",
    "Financeiro",
    "Suporte Técnico",
]
GUIDE_PRIORITIES = ["Baixa", "Média", "Alta", "Urgente"]


@transaction.atomic
def catalog_entry_save(
    entry: CatalogEntry,
    *,
    name: str,
    position: int,
    is_active: bool,
    members: Iterable[User] | None = None,
    round_robin: bool | None = None,
) -> CatalogEntry:
    """Create or edit an entry. Entries in use are deactivated, never deleted,
    so old tickets keep their department, service and priority. ``members`` and
    ``round_robin`` (rodízio) are a department's; None leaves them as they are."""
    entry.name = " ".join(name.split())
    entry.position = position
    entry.is_active = is_active
    if isinstance(entry, Department) and round_robin is not None:
        entry.round_robin = round_robin
    entry.full_clean()
    created = entry.pk is None
    entry.save()
    audit.record(
        AuditEntry.Action.CATALOG_CHANGED,
        target=f"{entry._meta.verbose_name}: {entry.name}",
        created=created,
        position=position,
        active=is_active,
    )
    if isinstance(entry, Department) and members is not None:
        entry.members.set(members)
    return entry


@transaction.atomic
def service_field_save(
    field: ServiceField,
    *,
    label: str,
    kind: str,
    required: bool,
    help_text: str,
    choices: str,
    position: int,
    is_active: bool,
) -> ServiceField:
    """Create or change one of a service's fields (``field.service`` is set). Requests
    already opened keep their answers as given, with the label and kind of then."""
    field.label = " ".join(label.split())
    field.kind = kind
    field.required = required
    field.help_text = " ".join(help_text.split())
    field.choices = choices
    # Only a choice list has options: kept one per line, trimmed, each once.
    field.choices = "\n".join(field.options()) if kind == ServiceField.Kind.CHOICE else ""
    field.position = position
    field.is_active = is_active
    field.full_clean()
    created = field.pk is None
    field.save()
    audit.record(
        AuditEntry.Action.CATALOG_CHANGED,
        target=f"{field._meta.verbose_name}: {field.service.name} → {field.label}",
        created=created,
        kind=kind,
        required=required,
        position=position,
        active=is_active,
    )
    return field


@transaction.atomic
def service_field_delete(field: ServiceField) -> None:
    """Delete one of a service's fields; the requests that answered it keep their answers."""
    audit.record(
        AuditEntry.Action.CATALOG_CHANGED,
        target=f"{field._meta.verbose_name}: {field.service.name} → {field.label}",
        deleted=True,
    )
    field.delete()
