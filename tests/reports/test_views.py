"""The commitments report (portal/reports/views.py and the figures it shows,
portal/reports/figures.py): on a known data set, filtered, as CSV, and only for admins."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from portal.tickets.models import Status
from portal.tickets.services import ticket_answer, ticket_assign, ticket_change_status
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)
T0 = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)  # Monday 09:00 in São Paulo
REPORT = reverse("reports:commitments")
PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def known_data(contact_a, agent, catalog):
    """A: answered in 2 h, done in 10 h. B: answered in 30 h (late), done in 50 h.
    C: never answered (breaching now). C's subject tries a spreadsheet formula."""
    with time_machine.travel(T0, tick=False) as clock:
        a = open_ticket(contact_a, subject="A")
        ticket_assign(ticket=a, actor=agent, assignee=agent)
        clock.shift(2 * H)
        ticket_answer(ticket=a, author=agent, body="ok")
        clock.shift(8 * H)
        ticket_change_status(ticket=a, actor=agent, status=Status.DONE)
        clock.move_to(T0 + 24 * H)
        b = open_ticket(contact_a, subject="B")
        clock.shift(30 * H)
        ticket_answer(ticket=b, author=agent, body="atrasado")
        clock.shift(20 * H)
        ticket_change_status(ticket=b, actor=agent, status=Status.DONE)
        clock.move_to(T0 + 48 * H)
        open_ticket(contact_a, subject='=HYPERLINK("http://evil.example","x")')
    return a, b


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_report_figures_on_a_known_data_set(as_admin, known_data):
    with time_machine.travel(T0 + 5 * 24 * H, tick=False):
        response = as_admin.get(REPORT, PERIOD)
    report = response.context["report"]
    assert report.opened == 3 and report.concluded == 2
    assert (report.first_response.median_hours, report.first_response.p90_hours) == (16.0, 30.0)
    assert (report.resolution.median_hours, report.resolution.p90_hours) == (30.0, 50.0)
    shares = {share.kind: (share.met, share.missed, share.percent) for share in report.shares}
    assert shares == {
        "first_response": (1, 2, 33.3),  # C's clock still runs, past due: missed
        "adjustment": (0, 0, None),
        "delivery": (2, 0, 100.0),
    }
    assert [clock.ticket.number for clock in report.breaching] == [3]
    body = response.content.decode()
    assert "<svg" in body and "33,3%" in body
    assert "16 h 00 min / 1 d 6 h" in body  # first response, median / 90%
    # SVG numbers are never localised ("50,0" is not a length).
    assert 'width="33.3"' in body and 'name="start" value="2026-11-01"' in body


def test_filters_narrow_the_figures(as_admin, known_data, agent):
    with time_machine.travel(T0 + 5 * 24 * H, tick=False):
        report = as_admin.get(REPORT, {**PERIOD, "agent": agent.pk}).context["report"]
    assert report.opened == 1 and report.concluded == 1  # only A is assigned
    with time_machine.travel(T0 + 5 * 24 * H, tick=False):
        early = as_admin.get(REPORT, {"start": "2026-10-01", "end": "2026-10-31"})
    assert early.context["report"].opened == 0


def test_the_csv_has_a_row_per_ticket_and_no_live_formula(as_admin, known_data):
    response = as_admin.get(REPORT, {**PERIOD, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["number"] for row in rows] == ["1", "2", "3"]
    assert rows[0]["first_response_hours"] == "2.0" and rows[1]["resolution_hours"] == "50.0"
    assert rows[2]["subject"].startswith("'=HYPERLINK")


def test_a_reversed_period_is_refused_next_to_the_field(as_admin):
    response = as_admin.get(REPORT, {"start": "2026-11-30", "end": "2026-11-01"})
    assert response.status_code == 400
    assert "O fim do período vem antes do início." in response.content.decode()


def test_only_admins_see_the_report(client, agent, contact_a):
    for user in (agent, contact_a):
        client.force_login(user)
        assert client.get(REPORT).status_code == 404


def test_a_visitor_is_sent_to_login(client):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_far_dates_are_refused_next_to_the_fields_not_a_500(as_admin):
    response = as_admin.get(REPORT, {"start": "0001-01-01", "end": "9999-12-31"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Escolha uma data a partir do ano 2000." in body
    assert "Escolha uma data dentro do próximo ano." in body
