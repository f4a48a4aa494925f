"""Demo data: what `make run` shows on a fresh machine. Safe to load more than once."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from portal.accounts.models import Role, User
from portal.companies.models import Company
from portal.requests.models import Department, Priority, Service

DEMO_PASSWORD = "demo-zwei-2026"  # noqa: S105 - printed and documented on purpose

DEPARTMENTS = ["Atendimento", "Financeiro"]
SERVICES = [
    "Redes Sociais",
    "Atualização / Website",
    "Design Gráfico",
    "E-mail Marketing",
    "Financeiro",
    "Suporte Técnico",
]
PRIORITIES = ["Baixa", "Média", "Alta", "Urgente"]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: str
    company: str | None = None


PEOPLE = [
    DemoPerson("admin@zweiarts.test", "Helena Admin", Role.ADMIN),
    DemoPerson("bruno@zweiarts.test", "Bruno Agente", Role.AGENT),
    DemoPerson("carla@zweiarts.test", "Carla Agente", Role.AGENT),
    DemoPerson("ana@acme.test", "Ana Souza", Role.CONTACT, "ACME Alimentos"),
    DemoPerson("joao@acme.test", "João Lima", Role.CONTACT, "ACME Alimentos"),
    DemoPerson("marina@boreal.test", "Marina Costa", Role.CONTACT, "Boreal Turismo"),
    DemoPerson("pedro@boreal.test", "Pedro Alves", Role.CONTACT, "Boreal Turismo"),
]


def _catalog(model, names: list[str]) -> None:
    for position, name in enumerate(names, start=1):
        model.objects.update_or_create(name=name, defaults={"position": position})


@transaction.atomic
def load_demo() -> list[DemoPerson]:
    _catalog(Department, DEPARTMENTS)
    _catalog(Service, SERVICES)
    _catalog(Priority, PRIORITIES)
    for person in PEOPLE:
        company = None
        if person.company:
            company, _ = Company.objects.get_or_create(name=person.company)
        user = User.objects.filter(email=person.email).first() or User(email=person.email)
        user.name = person.name
        user.role = person.role
        user.company = company
        user.is_active = True
        user.must_change_password = False
        user.temporary_password_expires_at = None
        user.set_password(DEMO_PASSWORD)
        user.save()
    return PEOPLE
