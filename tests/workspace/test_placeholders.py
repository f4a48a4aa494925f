"""Canned replies' placeholders (portal/workspace/placeholders.py) and their insertion."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from portal.workspace.models import CannedReply
from portal.workspace.placeholders import fill_placeholders
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


def test_known_placeholders_are_filled_and_nothing_else_runs(contact_a, agent, catalog):
    ticket = open_ticket(contact_a, subject="Banner <b>")
    text = (
        "Olá {{ cliente.primeiro_nome }} ({{cliente.empresa}}), sobre a #{{ solicitacao.numero }} "
        "«{{ solicitacao.assunto }}»: {{ outra.coisa }} {% debug %} {{ settings.SECRET_KEY }}"
        " — {{ agente.nome }}"
    )
    filled = fill_placeholders(text, ticket=ticket, agent=agent)
    first = contact_a.name.split()[0]
    assert filled.startswith(f"Olá {first} ({contact_a.company.name}), sobre a #{ticket.number}")
    assert "«Banner <b>»" in filled  # plain text: the page escapes it
    assert "{{ outra.coisa }} {% debug %} {{ settings.SECRET_KEY }}" in filled
    assert filled.endswith(agent.name)


def test_the_page_carries_the_filled_replies_as_data_escaped(client, contact_a, agent, catalog):
    ticket = open_ticket(contact_a)
    CannedReply.objects.create(
        title="Saudação",
        body="Oi {{ cliente.nome }} </script><script>alert(1)</script>",
        owner=agent,
    )
    client.force_login(agent)
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    block = re.search(
        r'<script id="canned-replies" type="application/json">(.*?)</script>', page, re.S
    )
    assert block, "the replies are in a JSON data block"
    assert "<script>alert" not in block.group(1)
    replies = json.loads(block.group(1))
    assert replies[0]["body"].startswith(f"Oi {contact_a.name} ")
    # Without the script, Inserir reloads with the reply in the composer.
    page = client.get(
        reverse("workspace:ticket", args=[ticket.number]), {"resposta": replies[0]["id"]}
    ).content.decode()
    assert f"Oi {contact_a.name} &lt;/script&gt;" in page
