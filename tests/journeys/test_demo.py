from __future__ import annotations

import pytest
from django.core.management import call_command

from portal.accounts.models import Role, User
from portal.companies.models import Company
from portal.tickets.models import Department, Priority, Service
from tools import demo
from tools.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_it_loads_the_guide_catalogue_and_the_cast_and_can_run_twice(capsys):
    call_command(demo.Command())
    call_command(demo.Command())
    assert list(Department.objects.values_list("name", flat=True)) == ["Atendimento", "Financeiro"]
    assert list(Service.objects.values_list("name", flat=True)) == [
        "Redes Sociais",
        "Atualização / Website",
        "Design Gráfico",
        "E-mail Marketing",
        "Financeiro",
        "Suporte Técnico",
    ]
    assert list(Priority.objects.values_list("name", flat=True)) == [
        "Baixa",
        "Média",
        "Alta",
        "Urgente",
    ]
    assert User.objects.filter(role=Role.ADMIN).count() == 1
    assert User.objects.filter(role=Role.AGENT).count() == 2
    assert Company.objects.count() == 2
    for company in Company.objects.all():
        assert company.contacts.count() == 2
    assert User.objects.get(email="ana@acme.test").check_password(DEMO_PASSWORD)
    assert "ana@acme.test" in capsys.readouterr().out


def test_if_empty_leaves_an_existing_database_alone(contact_a, capsys):
    call_command(demo.Command(), if_empty=True)
    # The guide's catalogue is installed by a migration; the demo's people are not.
    assert list(User.objects.values_list("email", flat=True)) == [contact_a.email]
    assert "not loaded again" in capsys.readouterr().out


def test_a_new_install_has_the_guide_catalogue_without_demo_data():
    """Migration 0009 installs the guide's departments, services and priorities."""
    assert list(Department.objects.values_list("name", flat=True)) == ["Atendimento", "Financeiro"]
    assert Service.objects.count() == 6 and Priority.objects.count() == 4
    assert not User.objects.exists()
