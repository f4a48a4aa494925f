"""The reports in a real browser, with data in every section: the company report for its
administrator and for the team, and the commitments report with satisfaction. At a
phone's width and a desktop's: nothing overflows, every control is named, axe-core
finds nothing serious."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from portal.reports.months import Month
from portal.tickets.models import Status
from portal.tickets.services import ticket_answer, ticket_assign, ticket_change_status
from tests.e2e.helpers import DESKTOP, PHONE, log_in, page_problems
from tests.support.factories import ContactFactory, agree_deadline, open_ticket
from tests.support.ratings import rate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(PHONE, id="375px"), pytest.param(DESKTOP, id="1280px")]


@pytest.fixture
def acme_admin(company_a):
    return ContactFactory(
        company=company_a, email="diretora@acme.test", name="Diana Diretora", is_company_admin=True
    )


@pytest.fixture
def last_month(contact_a, agent, catalog):
    """Last month at ACME: requests answered, one late, a Prazo moved with a long
    reason, conclusions and ratings."""
    month = Month.current().previous()
    start = timezone.make_aware(datetime.datetime.combine(month.first_day, datetime.time(10)))
    with time_machine.travel(start, tick=False) as clock:
        for n in range(3):
            ticket = open_ticket(contact_a, subject=f"Campanha de Páscoa nas redes sociais {n}")
            ticket_assign(ticket=ticket, actor=agent, assignee=agent)
            clock.shift(datetime.timedelta(hours=2 + 20 * n))
            ticket_answer(ticket=ticket, author=agent, body="Recebido.")
            agree_deadline(
                ticket,
                agent=agent,
                contact=contact_a,
                deadline=ticket.deadline + datetime.timedelta(days=2),
                reason="Aguardando as fotos do cliente, que chegam depois do feriado prolongado",
            )
            ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
            rate(ticket, 3 + n)
    return month


def check(page, path: str, status: int = 200) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status == status, f"{path}: {response}"
    expect(page.locator("h1")).to_be_visible()
    return page_problems(page)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_company_report_fits_and_is_accessible(
    new_page, viewport, acme_admin, admin_user, last_month, company_a
):
    page = new_page(viewport)
    log_in(page, acme_admin.email)
    assert check(page, "/empresa/relatorio/") == []
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_text("Combinado com o cliente").first).to_be_visible()
    expect(page.get_by_role("link", name="Baixar CSV")).to_be_visible()
    # A month that is no month: the error beside the field.
    assert check(page, "/empresa/relatorio/?mes=outubro", status=400) == []


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_team_reports_fit_and_are_accessible(
    new_page, viewport, admin_user, last_month, company_a
):
    page = new_page(viewport)
    log_in(page, admin_user.email)
    assert check(page, f"/equipe/clientes/{company_a.pk}/relatorio/") == []
    start, end = last_month.first_day, last_month.last_day
    assert check(page, f"/equipe/configuracoes/relatorio/?start={start}&end={end}") == []
    expect(page.get_by_role("rowheader", name="Por agente")).to_be_visible()
