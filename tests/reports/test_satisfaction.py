"""Satisfaction in the commitments report (portal/reports/satisfaction.py): per agent,
service and company, on a known set of ratings, in the page and the CSV."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from portal.tickets.services import ticket_assign
from tests.support.factories import AgentFactory, ServiceFactory, open_ticket
from tests.support.ratings import rate

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
REPORT = reverse("reports:commitments")
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}
NOW = datetime.datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def at(day: int, hour: int = 15, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def carla(db):
    return AgentFactory(email="carla@zweiarts.test", name="Carla Agente")


@pytest.fixture
def ratings(contact_a, contact_b, agent, carla):
    """November 2026, as clients rated it:

    | request | company | service        | attended by | score |
    | 1       | ACME    | Redes Sociais  | Bruno       | 5     |
    | 2       | ACME    | Redes Sociais  | Bruno       | 4     |
    | 3       | ACME    | Design Gráfico | Carla       | 2     |
    | 4       | Boreal  | Design Gráfico | Carla       | 5     |
    | 5       | Boreal  | Redes Sociais  | nobody      | 3     |

    Request 1 is reassigned to Carla after its rating: it stays Bruno's. Two ratings
    fall just outside the month in São Paulo time (31 Oct 23:00, 1 Dec 00:30).
    """
    design = ServiceFactory(name="Design Gráfico")
    with time_machine.travel(at(2), tick=False):
        tickets = [open_ticket(c) for c in (contact_a, contact_a, contact_a, contact_b, contact_b)]
    for ticket, who in zip(tickets, (agent, agent, carla, carla), strict=False):
        ticket_assign(ticket=ticket, actor=agent, assignee=who)
        ticket.refresh_from_db()
    rate(tickets[0], 5, at=at(3))
    rate(tickets[1], 4, at=at(10))
    rate(tickets[2], 2, at=at(11), service=design)
    rate(tickets[3], 5, at=at(20), service=design)
    rate(tickets[4], 3, at=at(30, 20))  # 30 Nov 17:00 in São Paulo
    rate(tickets[2], 1, at=at(1, 2))  # 31 Oct 23:00 in São Paulo
    rate(tickets[3], 1, at=at(1, 3, month=12))  # 1 Dec 00:00 in São Paulo
    ticket_assign(ticket=tickets[0], actor=agent, assignee=carla)
    return tickets


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def figures(row) -> tuple:
    f = row.figures
    return (row.name, f.count, f.average, f.satisfied_percent)


def get(client, params):
    with time_machine.travel(NOW, tick=False):
        return client.get(REPORT, params)


def test_satisfaction_per_agent_service_and_company_on_a_known_set(as_admin, ratings):
    csat = get(as_admin, NOVEMBER).context["csat"]
    overall = csat.overall
    assert overall.distribution == (0, 1, 1, 1, 2)
    assert (overall.count, overall.average, overall.satisfied_percent) == (5, 3.8, 60.0)
    assert [figures(row) for row in csat.by_agent] == [
        ("Bruno Agente", 2, 4.5, 100.0),
        ("Carla Agente", 2, 3.5, 50.0),
        ("Ninguém", 1, 3.0, 0.0),  # nobody attended it: last
    ]
    assert [figures(row) for row in csat.by_service] == [
        ("Design Gráfico", 2, 3.5, 50.0),
        ("Redes Sociais", 3, 4.0, 66.7),
    ]
    assert [figures(row) for row in csat.by_company] == [
        ("ACME Alimentos", 3, 3.67, 66.7),
        ("Boreal Turismo", 2, 4.0, 50.0),
    ]


def test_the_page_shows_the_tables(as_admin, ratings):
    body = get(as_admin, NOVEMBER).content.decode()
    for text in ("Satisfação", "Por agente", "Por serviço", "Por empresa", "Notas 4 ou 5"):
        assert text in body
    assert "3,8 / 60,0%" in body and "Avaliações: 5" in body
    assert "Design Gráfico" in body and "Boreal Turismo" in body


def test_filters_narrow_the_ratings_by_what_they_recorded(as_admin, ratings, carla):
    by_agent = get(as_admin, {**NOVEMBER, "agent": carla.pk}).context["csat"]
    # Carla attends request 1 now, but it was Bruno's when rated.
    assert [figures(row) for row in by_agent.by_agent] == [("Carla Agente", 2, 3.5, 50.0)]
    design = ratings[2].ratings.first().service
    by_service = get(as_admin, {**NOVEMBER, "service": design.pk}).context["csat"]
    assert by_service.overall.count == 2
    assert [row.name for row in by_service.by_company] == ["ACME Alimentos", "Boreal Turismo"]


def test_a_period_without_ratings_shows_dashes(as_admin, ratings):
    response = get(as_admin, {"start": "2026-09-01", "end": "2026-09-30"})
    csat = response.context["csat"]
    assert csat.overall.count == 0 and csat.overall.average is None and csat.by_agent == []
    assert "Nenhuma avaliação neste período." in response.content.decode()


def read_csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_satisfaction_csv(as_admin, ratings):
    response = get(as_admin, {**NOVEMBER, "format": "csv", "part": "satisfaction"})
    assert response["Content-Disposition"] == (
        'attachment; filename="satisfacao-2026-11-01-2026-11-30.csv"'
    )
    rows = [
        (r["dimension"], r["name"], r["ratings"], r["average"], r["satisfied_percent"])
        for r in read_csv(response)
    ]
    assert rows == [
        ("all", "", "5", "3.8", "60.0"),
        ("agent", "Bruno Agente", "2", "4.5", "100.0"),
        ("agent", "Carla Agente", "2", "3.5", "50.0"),
        ("agent", "Ninguém", "1", "3.0", "0.0"),
        ("service", "Design Gráfico", "2", "3.5", "50.0"),
        ("service", "Redes Sociais", "3", "4.0", "66.7"),
        ("company", "ACME Alimentos", "3", "3.67", "66.7"),
        ("company", "Boreal Turismo", "2", "4.0", "50.0"),
    ]
    first = read_csv(response)[0]
    assert [first[f"score_{n}"] for n in range(1, 6)] == ["0", "1", "1", "1", "2"]


def test_the_requests_csv_gives_each_request_its_latest_rating(as_admin, ratings):
    rows = read_csv(get(as_admin, {**NOVEMBER, "format": "csv"}))
    # Request 3 was rated 1 in October, then 2: its latest counts.
    assert [(row["number"], row["rating"]) for row in rows] == [
        ("1", "5"),
        ("2", "4"),
        ("3", "2"),
        ("4", "1"),  # its December rating is its latest
        ("5", "3"),
    ]


def test_the_page_runs_a_fixed_number_of_queries(
    as_admin, ratings, contact_a, agent, django_assert_num_queries
):
    get(as_admin, NOVEMBER)  # warm caches (content types, sessions)
    # session, user, the form's agents, opened, concluded, commitments, breaching,
    # satisfaction overall and per agent, service and company, the form's departments
    # and services, the header's unread notifications
    with django_assert_num_queries(14):
        get(as_admin, NOVEMBER)
    with time_machine.travel(at(15), tick=False):
        more = [open_ticket(contact_a, subject=f"Mais {n}") for n in range(4)]
    for n, ticket in enumerate(more):
        rate(ticket, n + 1, at=at(16), assignee=AgentFactory())
    with django_assert_num_queries(14):
        csat = get(as_admin, NOVEMBER).context["csat"]
    assert csat.overall.count == 9 and len(csat.by_agent) == 7
