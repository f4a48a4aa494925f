from __future__ import annotations

import pytest
from django.urls import reverse

from portal.accounts.models import Role, User
from portal.tickets.models import Department, Service
from tests.support.factories import TEST_PASSWORD, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def test_an_admin_creates_a_service_and_deactivates_it(as_admin, catalog, contact_a):
    url = reverse("settings:catalog", args=["servicos"])
    as_admin.post(url, {"name": "Vídeo", "position": 7, "is_active": "on"})
    video = Service.objects.get(name="Vídeo")
    edit = reverse("settings:catalog_edit", args=["servicos", video.pk])
    as_admin.post(edit, {"name": "Vídeo", "position": 7})
    video.refresh_from_db()
    assert not video.is_active
    client_form = as_admin.get(reverse("settings:catalog", args=["servicos"]))
    assert client_form.status_code == 200


def test_a_duplicate_name_is_refused(as_admin, catalog):
    url = reverse("settings:catalog", args=["servicos"])
    response = as_admin.post(url, {"name": "redes sociais", "position": 1, "is_active": "on"})
    assert "Este nome já está em uso." in response.content.decode()
    assert Service.objects.filter(name__iexact="redes sociais").count() == 1


def test_an_admin_chooses_the_agents_of_a_department(as_admin, catalog, agent):
    department = Department.objects.get(name="Financeiro")
    edit = reverse("settings:catalog_edit", args=["departamentos", department.pk])
    as_admin.post(
        edit, {"name": "Financeiro", "position": 2, "is_active": "on", "members": [agent.pk]}
    )
    assert list(department.members.all()) == [agent]
    page = as_admin.get(reverse("settings:catalog", args=["departamentos"])).content.decode()
    assert "Bruno Agente" in page


def test_an_admin_invites_an_agent(as_admin, outbox):
    as_admin.post(
        reverse("settings:team"),
        {"name": "Nova Agente", "email": "nova@zweiarts.test", "language": "pt-br"},
    )
    member = User.objects.get(email="nova@zweiarts.test")
    assert member.role == Role.AGENT and outbox[-1].to == ["nova@zweiarts.test"]


def test_an_admin_makes_an_agent_admin_and_deactivates_them(client, as_admin, agent):
    as_admin.post(reverse("settings:team_set_admin", args=[agent.pk]), {"is_admin": "1"})
    agent.refresh_from_db()
    assert agent.role == Role.ADMIN
    as_admin.post(reverse("settings:team_deactivate", args=[agent.pk]))
    agent.refresh_from_db()
    assert not agent.is_active
    as_admin.post(reverse("settings:team_reactivate", args=[agent.pk]))
    agent.refresh_from_db()
    assert agent.is_active


def test_an_admin_cannot_remove_their_own_access(as_admin, admin_user):
    response = as_admin.post(reverse("settings:team_deactivate", args=[admin_user.pk]), follow=True)
    assert "Você não pode alterar o seu próprio acesso." in response.content.decode()
    as_admin.post(reverse("settings:team_set_admin", args=[admin_user.pk]), {"is_admin": "0"})
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.role == Role.ADMIN


def test_contacts_cannot_be_made_admins(as_admin, contact_a):
    url = reverse("settings:team_set_admin", args=[contact_a.pk])
    assert as_admin.post(url, {"is_admin": "1"}).status_code == 404


def test_a_deactivated_contact_cannot_sign_in_and_their_history_stays(
    client, agent, contact_a, catalog
):
    from django.test import Client

    ticket = open_ticket(contact_a)
    contact_session = Client()
    contact_session.force_login(contact_a)
    client.force_login(agent)
    url = reverse("companies:contact_set_active", args=[contact_a.company_id, contact_a.pk])
    client.post(url, {"active": "0"})
    contact_a.refresh_from_db()
    assert not contact_a.is_active
    assert contact_session.get(reverse("tickets:list")).status_code == 302
    login = Client().post(
        reverse("accounts:login"), {"email": contact_a.email, "password": TEST_PASSWORD}
    )
    assert "Este acesso foi desativado" in login.content.decode()
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert "Ana Souza" in page


def test_staff_edit_a_company_and_a_contact(client, agent, contact_a):
    client.force_login(agent)
    company = contact_a.company
    client.post(
        reverse("companies:edit", args=[company.pk]), {"name": "ACME S.A.", "is_active": "on"}
    )
    company.refresh_from_db()
    assert company.name == "ACME S.A."
    client.post(
        reverse("companies:contact_edit", args=[company.pk, contact_a.pk]),
        {"name": "Ana Maria", "language": "en", "sees_own_requests_only": "on"},
    )
    contact_a.refresh_from_db()
    assert contact_a.name == "Ana Maria" and contact_a.sees_own_requests_only
