from __future__ import annotations

import pytest
from django.urls import reverse

from portal.workspace.models import CannedReply
from tests.support.factories import AgentFactory, open_ticket

pytestmark = pytest.mark.django_db
LIST = reverse("workspace:canned_replies")


@pytest.fixture
def carla(db):
    return AgentFactory(name="Carla Agente")


def test_an_agent_keeps_personal_and_shared_replies(client, agent, carla):
    client.force_login(agent)
    client.post(LIST, {"title": "Boas-vindas", "body": "Olá! Recebemos o seu pedido."})
    client.post(LIST, {"title": "Prazo", "body": "Entregamos até sexta.", "is_shared": "on"})
    assert CannedReply.objects.filter(owner=agent).count() == 2
    client.force_login(carla)
    body = client.get(LIST).content.decode()
    assert "Prazo" in body and "Boas-vindas" not in body


def test_a_blank_reply_is_refused_next_to_the_fields(client, agent):
    client.force_login(agent)
    response = client.post(LIST, {"title": "", "body": ""})
    assert response.content.decode().count("Este campo é obrigatório.") == 2
    assert not CannedReply.objects.exists()


def test_a_reply_is_inserted_into_the_answer(client, agent, carla, contact_a, catalog):
    ticket = open_ticket(contact_a)
    mine = CannedReply.objects.create(title="Oi", body="Texto pronto & <b>seguro</b>", owner=agent)
    private = CannedReply.objects.create(title="Dela", body="Particular da Carla", owner=carla)
    client.force_login(agent)
    page = reverse("workspace:ticket", args=[ticket.number])
    body = client.get(page, {"resposta": mine.pk}).content.decode()
    assert "Texto pronto &amp; &lt;b&gt;seguro&lt;/b&gt;</textarea>" in body
    assert "Particular da Carla" not in client.get(page, {"resposta": private.pk}).content.decode()


def test_only_the_owner_edits_a_personal_reply(client, agent, carla, admin_user):
    reply = CannedReply.objects.create(title="Minha", body="...", owner=agent)
    edit = reverse("workspace:canned_reply_edit", args=[reply.pk])
    delete = reverse("workspace:canned_reply_delete", args=[reply.pk])
    for other in (carla, admin_user):
        client.force_login(other)
        assert client.get(edit).status_code == 404
        assert client.post(delete).status_code == 404
    client.force_login(agent)
    client.post(edit, {"title": "Minha editada", "body": "Novo texto"})
    reply.refresh_from_db()
    assert reply.title == "Minha editada"
    client.post(delete)
    assert not CannedReply.objects.exists()


def test_an_admin_may_edit_a_shared_reply_but_an_agent_may_not(client, agent, carla, admin_user):
    reply = CannedReply.objects.create(title="Equipe", body="...", owner=agent, is_shared=True)
    edit = reverse("workspace:canned_reply_edit", args=[reply.pk])
    client.force_login(carla)
    assert client.get(edit).status_code == 404
    client.force_login(admin_user)
    client.post(edit, {"title": "Equipe (revisada)", "body": "...", "is_shared": "on"})
    reply.refresh_from_db()
    assert reply.title == "Equipe (revisada)"
