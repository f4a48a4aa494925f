"""Minha empresa: a client company's administrators and their limits."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.tickets.models import Ticket
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db
HOME = reverse("company:home")


@pytest.fixture
def boss(contact_a):
    contact_a.is_company_admin = True
    contact_a.save(update_fields=["is_company_admin"])
    return contact_a


def access(user_id: int) -> str:
    return reverse("company:access", args=[user_id])


def visibility(user_id: int) -> str:
    return reverse("company:visibility", args=[user_id])


def test_only_company_admins_see_minha_empresa(client, boss, john, agent, admin_user):
    client.force_login(boss)
    page = client.get(HOME).content.decode()
    assert "Minha empresa" in page and "John" in page and "Convidar colega" in page
    assert 'href="/empresa/"' in client.get(reverse("tickets:list")).content.decode()
    for other in (john, agent, admin_user):
        client.force_login(other)
        assert client.get(HOME).status_code == 404
        assert client.post(access(john.pk), {"active": "0"}).status_code == 404
    assert 'href="/empresa/"' not in client.get(reverse("workspace:queue")).content.decode()


def test_a_company_admin_invites_a_colleague_who_gets_the_usual_access(client, boss, outbox):
    client.force_login(boss)
    response = client.post(
        HOME, {"name": "Carla Nova", "email": "Carla@ACME.test", "language": "pt-br"}
    )
    assert response.status_code == 302
    carla = User.objects.get(email="carla@acme.test")
    assert carla.company == boss.company and carla.is_contact and carla.awaits_first_access
    assert not carla.is_company_admin
    assert [m.to for m in outbox] == [["carla@acme.test"]]
    entry = AuditEntry.objects.filter(target="carla@acme.test", actor=boss).latest("pk")
    assert entry.detail == {"invited_by_company_admin": True}
    taken = client.post(HOME, {"name": "Outra", "email": "carla@acme.test", "language": "pt-br"})
    assert taken.status_code == 400
    assert 'id="id_email_error"' in taken.content.decode()


def test_deactivating_a_colleague_ends_their_access_and_is_audited(client, boss, john):
    client.force_login(boss)
    client.post(access(john.pk), {"active": "0"})
    john.refresh_from_db()
    assert not john.is_active
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS_CHANGED, actor=boss, target=john.email
    ).exists()
    client.post(access(john.pk), {"active": "1"})
    john.refresh_from_db()
    assert john.is_active


def test_nobody_locks_themselves_out(client, boss):
    client.force_login(boss)
    response = client.post(access(boss.pk), {"active": "0"}, follow=True)
    assert "Você não pode alterar o seu próprio acesso." in response.content.decode()
    boss.refresh_from_db()
    assert boss.is_active


def test_what_a_colleague_sees_is_set_here(client, boss, john, agent, catalog):
    theirs = open_ticket(boss, subject="Da Ana")
    client.force_login(boss)
    client.post(visibility(john.pk), {"sees": "own"})
    john.refresh_from_db()
    assert john.sees_own_requests_only
    assert not Ticket.objects.visible_to(john).filter(pk=theirs.pk).exists()
    client.post(visibility(john.pk), {"sees": "all"})
    john.refresh_from_db()
    assert Ticket.objects.visible_to(john).filter(pk=theirs.pk).exists()


def test_another_companys_contacts_and_staff_are_404(client, boss, contact_b, agent):
    client.force_login(boss)
    for person in (contact_b, agent):
        assert client.post(access(person.pk), {"active": "0"}).status_code == 404
        assert client.post(visibility(person.pk), {"sees": "own"}).status_code == 404
        person.refresh_from_db()
        assert person.is_active and not person.sees_own_requests_only
    assert "Marina" not in client.get(HOME).content.decode()


def test_staff_name_company_admins_on_clientes(client, admin_user, john):
    client.force_login(admin_user)
    url = reverse("companies:contact_edit", args=[john.company_id, john.pk])
    client.post(url, {"name": john.name, "language": "en", "is_company_admin": "on"})
    john.refresh_from_db()
    assert john.is_company_admin
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS_CHANGED, target=john.email, detail={"company_admin": True}
    ).exists()
    page = client.get(reverse("companies:detail", args=[john.company_id])).content.decode()
    assert "Administrador da empresa" in page


def test_the_shell_invites_a_company_admin(company_a, outbox):
    call_command(
        "invite_contact",
        company=company_a.name,
        email="diretora@acme.test",
        name="Diretora",
        company_admin=True,
        stdout=io.StringIO(),
    )
    director = User.objects.get(email="diretora@acme.test")
    assert director.is_company_admin and director.company == company_a
