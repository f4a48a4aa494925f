"""Issue 15, point 9: the reports count current breaches in their shares, write
durations as "3 h 20 min" and label the chart's dates (portal/reports/figures.py,
charts.py), on the commitments report and on a company's monthly report alike."""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from portal.commitments.models import Clock
from portal.reports.charts import daily_bars
from portal.reports.company import build_company_report, company_rows
from portal.reports.months import Month
from portal.tickets.services import ticket_answer
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
T0 = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)  # Monday 09:00 in São Paulo
REPORT = reverse("reports:commitments")
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}
NOVEMBER_MONTH = Month(2026, 11)


@pytest.fixture
def one_answered_one_waiting(contact_a, agent):
    """One request answered in 3 h 20 min; another not answered at all."""
    with time_machine.travel(T0, tick=False) as clock:
        answered = open_ticket(contact_a, subject="Respondida")
        waiting = open_ticket(contact_a, subject="Sem resposta")
        clock.shift(3 * H + 20 * MINUTE)
        ticket_answer(ticket=answered, author=agent, body="Recebido.")
    due = Clock.objects.get(ticket=waiting, kind=Clock.Kind.FIRST_RESPONSE).due_at
    assert due is not None and due.month == 11
    return answered, waiting, due


def first_response_share(shares) -> tuple[int, int, float | None]:
    [share] = [s for s in shares if s.kind == Clock.Kind.FIRST_RESPONSE]
    return share.met, share.missed, share.percent


def test_a_running_clock_past_due_counts_as_missed(client, admin_user, company_a,
                                                   one_answered_one_waiting):  # fmt: skip
    _, waiting, due = one_answered_one_waiting
    client.force_login(admin_user)
    with time_machine.travel(due - MINUTE, tick=False):
        report = client.get(REPORT, NOVEMBER).context["report"]
        company = build_company_report(company_a, NOVEMBER_MONTH)
    # Still in time: not counted yet, either way.
    assert first_response_share(report.shares) == (1, 0, 100.0) and report.breaching == []
    assert first_response_share(company.shares) == (1, 0, 100.0)

    with time_machine.travel(due + MINUTE, tick=False):
        response = client.get(REPORT, NOVEMBER)
        company = build_company_report(company_a, NOVEMBER_MONTH)
        rows = {row["number"]: row for row in company_rows(company_a, NOVEMBER_MONTH)}
    report = response.context["report"]
    # Listed as breaching now, and missed in the share: never "100%" next to a breach.
    assert [clock.ticket_id for clock in report.breaching] == [waiting.pk]
    assert first_response_share(report.shares) == (1, 1, 50.0)
    assert "50,0%" in response.content.decode()
    # The company's month counts it the same, and its CSV row adds up.
    assert first_response_share(company.shares) == (1, 1, 50.0)
    assert rows[waiting.number]["first_response"] == "missed"
    # Another month's report does not count it.
    with time_machine.travel(due + MINUTE, tick=False):
        october = client.get(REPORT, {"start": "2026-10-01", "end": "2026-10-31"})
    assert first_response_share(october.context["report"].shares) == (0, 0, None)


def test_durations_read_in_hours_and_minutes(client, admin_user, acme_admin,
                                             one_answered_one_waiting):  # fmt: skip
    client.force_login(admin_user)
    with time_machine.travel(T0 + 10 * H, tick=False):
        response = client.get(REPORT, NOVEMBER)
    first_response = response.context["report"].first_response
    assert first_response.median == 3 * H + 20 * MINUTE and first_response.median_hours == 3.33
    body = response.content.decode()
    assert "3 h 20 min / 3 h 20 min" in body and "0,0 h" not in body and "3,3 h" not in body

    client.force_login(acme_admin)
    with time_machine.travel(T0 + 10 * H, tick=False):
        body = client.get(reverse("reports:company"), {"mes": "2026-11"}).content.decode()
    assert "3 h 20 min" in body and "3,3 h" not in body


def test_durations_in_english(client, admin_user, one_answered_one_waiting):
    client.force_login(admin_user)
    with time_machine.travel(T0 + 10 * H, tick=False), translation.override("en"):
        body = client.get(REPORT, NOVEMBER, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 h 20 min" in body


def test_the_chart_labels_its_dates():
    days = [datetime.date(2026, 11, 1) + datetime.timedelta(days=n) for n in range(30)]
    with translation.override("pt-br"):
        chart = daily_bars([(day, 1, 0) for day in days])
    labels = [tick.label for tick in chart["ticks"]]
    assert labels[0] == "01/11" and "04/11" in labels
    # Far enough apart not to overlap, and each under its own day's bars.
    xs = [tick.x for tick in chart["ticks"]]
    assert all(b - a >= 48 for a, b in itertools.pairwise(xs))
    assert chart["opened"][0].x < xs[0] < chart["opened"][1].x
    with translation.override("en"):
        assert daily_bars([(day, 1, 0) for day in days])["ticks"][0].label == "11/01"
    # A week: every day has its label.
    assert len(daily_bars([(day, 0, 0) for day in days[:7]])["ticks"]) == 7


def test_the_page_draws_the_dates_under_the_chart(client, admin_user, one_answered_one_waiting):
    client.force_login(admin_user)
    with time_machine.travel(T0 + 10 * H, tick=False):
        body = client.get(REPORT, NOVEMBER).content.decode()
    svg = body[
        body.index('<svg class="chart"') : body.index("</svg>", body.index('<svg class="chart"'))
    ]
    assert ">01/11</text>" in svg and ">28/11</text>" in svg
    assert 'text-anchor="middle"' in svg
