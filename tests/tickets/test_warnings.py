from __future__ import annotations

import datetime

import pytest
import time_machine

from portal.tickets.services import ticket_assign
from portal.tickets.warnings import check_commitments
from tests.support.factories import AgentFactory, open_ticket

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)
START = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def opened(contact_a, catalog):
    with time_machine.travel(START, tick=False):
        return open_ticket(contact_a, subject="Post de Natal")


def subjects(outbox) -> list[str]:
    return [message.subject for message in outbox]


def test_the_assignee_is_warned_once_before_and_once_after(opened, agent, outbox):
    ticket_assign(ticket=opened, actor=agent, assignee=agent)
    outbox.clear()
    with time_machine.travel(START + 19 * H, tick=False):
        assert check_commitments() == {"soon": 0, "late": 0}
    with time_machine.travel(START + 21 * H, tick=False):
        assert check_commitments() == {"soon": 1, "late": 0}
        assert check_commitments() == {"soon": 0, "late": 0}
    with time_machine.travel(START + 25 * H, tick=False):
        assert check_commitments() == {"soon": 0, "late": 1}
        assert check_commitments() == {"soon": 0, "late": 0}
    assert [m.to for m in outbox] == [[agent.email], [agent.email]]
    assert outbox[0].subject.startswith("[#1] Compromisso de primeira resposta prestes a vencer")
    assert outbox[0].subject.endswith(" — Post de Natal")
    assert "estourado" in outbox[1].subject
    assert "https://portal.example/equipe/solicitacoes/1/" in outbox[1].body


def test_without_an_assignee_the_department_agents_are_warned(opened, catalog, outbox):
    carla = AgentFactory(name="Carla", email="carla@zweiarts.test")
    catalog["department"].members.add(carla)
    outbox.clear()
    with time_machine.travel(START + 25 * H, tick=False):
        check_commitments()
    assert {tuple(m.to) for m in outbox} == {("carla@zweiarts.test",)}


def test_the_margin_is_a_setting(opened, agent, settings, outbox):
    settings.COMMITMENT_WARNING_MARGIN_HOURS = 1
    with time_machine.travel(START + 21 * H, tick=False):
        assert check_commitments()["soon"] == 0
    with time_machine.travel(START + 23.5 * H, tick=False):
        assert check_commitments()["soon"] == 1
