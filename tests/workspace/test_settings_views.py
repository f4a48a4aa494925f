"""The admin settings (portal/workspace/settings_views.py): the catalogue and the team."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.accounts.models import Role, User
from portal.tickets.models import Department, Service

pytestmark = pytest.mark.django_db


def test_an_agent_gets_404_on_admin_settings(client, agent, admin_urls):
    client.force_login(agent)
    for url in admin_urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"is_admin": "1"}).status_code == 404, url
    agent.refresh_from_db()
    assert agent.role == "agent" and agent.is_active


def test_an_admin_opens_the_settings(client, admin_user, catalog):
    client.force_login(admin_user)
    for kind in ["departamentos", "servicos", "prioridades"]:
        assert client.get(reverse("settings:catalog", args=[kind])).status_code == 200
    assert client.get(reverse("settings:team")).status_code == 200
    assert client.get(reverse("settings:catalog", args=["outra-coisa"])).status_code == 404


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
