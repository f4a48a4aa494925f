"""A client company's monthly report (Relatório, portal/reports/company.py and its
views): who may see it, its figures on a known month, its month navigation, its CSV
and its query budget."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from portal.tickets.models import Status
from portal.tickets.services import ticket_answer, ticket_assign, ticket_change_status
from tests.support.factories import agree_deadline, open_ticket
from tests.support.ratings import rate

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)
UTC = datetime.UTC
# Monday 5 October 2026, 09:00 in São Paulo (UTC-3).
T0 = datetime.datetime(2026, 10, 5, 12, 0, tzinfo=UTC)
NOVEMBER = datetime.datetime(2026, 11, 10, 15, 0, tzinfo=UTC)
PAGE = reverse("reports:company")
OCTOBER = {"mes": "2026-10"}


def staff_page(company) -> str:
    return reverse("reports:company_for_staff", args=[company.pk])


@pytest.fixture
def october(contact_a, contact_b, agent):
    """ACME's October 2026, request by request (numbers in the order they opened):

    #1 opened 28 Sep, answered in 1 h (in September), concluded 2 Oct: 96 h; rated 4.
    #2 opened 5 Oct, answered in 2 h, concluded in 10 h; rated 5.
    #3 opened 6 Oct, answered in 30 h (late); the client asks for corrections, handed
       back 5 h later; its Prazo moves from 13 to 18 Oct; concluded in 48 h; rated 3.
    #4 opened 30 Oct, not answered yet: its first response ran out on 31 Oct and still
       runs (missed in October).
    #5 is Boreal's: opened and concluded in October, rated 1: never in ACME's figures.
    Ratings of September and November are out of the month.
    """
    with time_machine.travel(T0 - 7 * D, tick=False) as clock:
        first = open_ticket(contact_a, subject="Cardápio de setembro")
        ticket_assign(ticket=first, actor=agent, assignee=agent)
        clock.shift(H)
        ticket_answer(ticket=first, author=agent, body="Recebido.")
        rate(first, 2, at=T0 - 6 * D)  # September: out of the month
        clock.move_to(T0 - 3 * D)
        ticket_change_status(ticket=first, actor=agent, status=Status.DONE)
        rate(first, 4, at=T0 - 2 * D)

        clock.move_to(T0)
        second = open_ticket(contact_a, subject="Post de Dia das Crianças")
        ticket_assign(ticket=second, actor=agent, assignee=agent)
        clock.shift(2 * H)
        ticket_answer(ticket=second, author=agent, body="Segue a arte.")
        clock.shift(8 * H)
        ticket_change_status(ticket=second, actor=agent, status=Status.DONE)
        rate(second, 5, at=T0 + D)

        clock.move_to(T0 + D)
        third = open_ticket(contact_a, subject="Banner do site")
        ticket_assign(ticket=third, actor=agent, assignee=agent)
        clock.shift(30 * H)
        ticket_answer(ticket=third, author=agent, body="Primeira versão.")
        ticket_change_status(ticket=third, actor=agent, status=Status.WAITING_CLIENT)
        clock.shift(H)
        ticket_answer(ticket=third, author=contact_a, body="Trocar a foto.")
        clock.shift(5 * H)
        ticket_change_status(ticket=third, actor=agent, status=Status.WAITING_CLIENT)
        clock.shift(4 * H)
        agree_deadline(
            third,
            agent=agent,
            contact=contact_a,
            deadline=datetime.date(2026, 10, 18),
            reason="Aguardando as fotos novas",
        )
        clock.move_to(T0 + 3 * D)
        ticket_change_status(ticket=third, actor=agent, status=Status.DONE)
        rate(third, 3, at=T0 + 15 * D)

        clock.move_to(datetime.datetime(2026, 10, 30, 15, 0, tzinfo=UTC))
        open_ticket(contact_a, subject="Campanha de Natal")

        clock.move_to(T0 + 5 * D)
        other = open_ticket(contact_b, subject="Roteiro de viagem")
        ticket_change_status(ticket=other, actor=agent, status=Status.DONE)
        rate(other, 1, at=T0 + 6 * D)
        rate(second, 1, at=datetime.datetime(2026, 11, 2, 12, 0, tzinfo=UTC))  # November


@pytest.fixture
def as_acme_admin(client, acme_admin):
    client.force_login(acme_admin)
    return client


def get(client, url, params=None):
    with time_machine.travel(NOVEMBER, tick=False):
        return client.get(url, params or {})


# --- Who sees it


def test_a_company_admin_sees_their_company_report(as_acme_admin, october):
    response = get(as_acme_admin, PAGE, OCTOBER)
    assert response.status_code == 200
    assert response.context["report"].company.name == "ACME Alimentos"
    assert "Relatório · Outubro de 2026" in response.content.decode()


@pytest.mark.parametrize("who", ["contact_a", "agent", "admin_user"])
def test_the_client_page_is_for_company_admins_only(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert get(client, PAGE).status_code == 404


def test_a_visitor_is_sent_to_login(client):
    response = get(client, PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_contact_no_longer_company_admin_gets_404(client, acme_admin):
    acme_admin.is_company_admin = False
    acme_admin.save(update_fields=["is_company_admin"])
    client.force_login(acme_admin)
    assert get(client, PAGE).status_code == 404


@pytest.mark.parametrize("who", ["agent", "admin_user"])
def test_staff_see_any_company_report(client, who, request, company_a, company_b, october):
    client.force_login(request.getfixturevalue(who))
    for company, opened in ((company_a, 3), (company_b, 1)):
        response = get(client, staff_page(company), OCTOBER)
        assert response.status_code == 200 and response.context["report"].opened == opened
    body = response.content.decode()
    assert reverse("companies:detail", args=[company_b.pk]) in body  # the breadcrumb


def test_forged_company_ids_answer_404(client, acme_admin, agent, company_a, company_b):
    client.force_login(acme_admin)
    # A company admin never reaches the staff URL, not even for their own company.
    assert get(client, staff_page(company_b)).status_code == 404
    assert get(client, staff_page(company_a)).status_code == 404
    # Staff asking for a company that does not exist.
    client.force_login(agent)
    assert get(client, reverse("reports:company_for_staff", args=[987654])).status_code == 404


def test_a_company_id_in_the_query_string_changes_nothing(client, boreal_admin, company_a, october):
    client.force_login(boreal_admin)
    response = get(client, PAGE, {**OCTOBER, "company": company_a.pk, "company_id": company_a.pk})
    report = response.context["report"]
    assert report.company.name == "Boreal Turismo" and report.opened == 1
    csv_body = get(client, PAGE, {**OCTOBER, "format": "csv", "company": company_a.pk})
    assert "Roteiro de viagem" in csv_body.content.decode()
    assert "Banner do site" not in csv_body.content.decode()


def test_the_staff_company_page_links_to_the_report(client, agent, company_a):
    client.force_login(agent)
    body = client.get(reverse("companies:detail", args=[company_a.pk])).content.decode()
    assert f'href="{staff_page(company_a)}"' in body


# --- The figures of a known month


def test_the_figures_of_a_known_month(as_acme_admin, october):
    report = get(as_acme_admin, PAGE, OCTOBER).context["report"]
    assert (report.opened, report.concluded) == (3, 3)
    # First response of the requests opened in October and answered: 2 h and 30 h.
    assert (report.first_response.count, report.first_response.median_hours) == (2, 16.0)
    # Resolution of those concluded in October: 96 h (#1), 10 h (#2), 48 h (#3).
    assert (report.resolution.count, report.resolution.median_hours) == (3, 48.0)
    shares = {share.kind: (share.met, share.missed, share.percent) for share in report.shares}
    assert shares == {
        # #2 in time, #3 late, #4 running past due; #1's was in September.
        "first_response": (1, 2, 33.3),
        "adjustment": (1, 0, 100.0),  # #3's corrections, handed back in 5 h
        "delivery": (3, 0, 100.0),  # #1, #2, #3
    }
    [move] = report.moves
    assert (move.number, move.previous, move.new) == (
        3,
        datetime.date(2026, 10, 13),
        datetime.date(2026, 10, 18),
    )
    assert move.reason == "Aguardando as fotos novas" and move.agreed
    csat = report.satisfaction
    assert csat.distribution == (0, 0, 1, 1, 1)
    assert (csat.count, csat.average, csat.satisfied_percent) == (3, 4.0, 66.7)
    opened_per_day = {day.day: n for day, n, _ in report.daily if n}
    concluded_per_day = {day.day: n for day, _, n in report.daily if n}
    assert opened_per_day == {5: 1, 6: 1, 30: 1}
    assert concluded_per_day == {2: 1, 5: 1, 8: 1}
    assert len(report.daily) == 31


def test_the_page_shows_the_figures_and_draws_them(as_acme_admin, october):
    body = get(as_acme_admin, PAGE, OCTOBER).content.decode()
    assert "Primeiro contato em até 24 h" in body and "Ajustes em até 24 h" in body
    assert "Entrega até o prazo" in body and "33,3%" in body
    assert "16 h 00 min" in body and "2 d 0 h" in body  # medians, in the page's language
    assert "13/10/2026 → 18/10/2026" in body and "Aguardando as fotos novas" in body
    assert "Combinado com o cliente" in body
    assert reverse("tickets:detail", args=[3]) in body  # the client's own request page
    assert "Média 4,0 de 5 em 3 avaliações; 66,7% deram 4 ou 5." in body
    # Server-drawn SVG, with numbers never localised ("50,0" is no length).
    assert body.count("<svg") >= 5 and 'width="33.3"' in body
    assert ">01/10</text>" in body  # the chart's dates, under its axis
    assert "Roteiro de viagem" not in body  # Boreal's


def test_the_staff_page_links_moves_to_the_workspace(client, agent, company_a, october):
    client.force_login(agent)
    body = get(client, staff_page(company_a), OCTOBER).content.decode()
    assert reverse("workspace:ticket", args=[3]) in body


def test_a_quiet_month_says_so(as_acme_admin, october):
    response = get(as_acme_admin, PAGE, {"mes": "2026-08"})
    report = response.context["report"]
    assert not report.has_activity and report.opened == 0 and report.satisfaction.average is None
    body = response.content.decode()
    assert (
        "Nenhuma solicitação foi aberta, concluída, teve o prazo alterado ou foi avaliada" in body
    )


# --- Choosing the month


def test_the_default_is_the_last_complete_month(as_acme_admin, october):
    response = get(as_acme_admin, PAGE)
    assert str(response.context["report"].month) == "2026-10"
    assert response.context["report"].is_complete
    assert response.context["form"]["mes"].value() == "2026-10"


def test_months_link_to_the_previous_and_the_next(as_acme_admin, october):
    context = get(as_acme_admin, PAGE, OCTOBER).context
    assert context["previous"]["value"] == "2026-09" and context["next"]["value"] == "2026-11"
    body = get(as_acme_admin, PAGE, OCTOBER).content.decode()
    assert 'href="?mes=2026-09"' in body and 'href="?mes=2026-11"' in body


def test_the_current_month_is_partial_and_has_no_next(as_acme_admin, october):
    response = get(as_acme_admin, PAGE, {"mes": "2026-11"})
    assert response.context["next"] is None and not response.context["report"].is_complete
    assert "Este mês ainda não terminou" in response.content.decode()


def test_there_is_no_month_before_the_first_request(as_acme_admin, october):
    context = get(as_acme_admin, PAGE, {"mes": "2026-09"}).context
    assert context["previous"] is None  # ACME's first request opened in September


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("outubro", "Escolha um mês como ano e mês, por exemplo 2026-11."),
        ("2026-13", "Escolha um mês como ano e mês, por exemplo 2026-11."),
        ("1999-12", "Escolha um mês a partir do ano 2000."),
        ("2026-12", "Este mês ainda não começou."),
        ("9999-12", "Este mês ainda não começou."),
    ],
)
def test_a_bad_month_is_refused_next_to_the_field(as_acme_admin, month, message):
    response = get(as_acme_admin, PAGE, {"mes": month})
    assert response.status_code == 400
    assert message in response.content.decode()


# --- The CSV


def read_csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_has_a_row_per_request_of_the_month(as_acme_admin, october):
    response = get(as_acme_admin, PAGE, {**OCTOBER, "format": "csv"})
    assert response["Content-Disposition"] == (
        'attachment; filename="relatorio-acme-alimentos-2026-10.csv"'
    )
    rows = {row["number"]: row for row in read_csv(response)}
    assert sorted(rows) == ["1", "2", "3", "4"]
    first, second, third, fourth = rows["1"], rows["2"], rows["3"], rows["4"]
    # #1 counts for its conclusion, its delivery and its rating; its first response was
    # September's.
    assert first["opened_at"] == "2026-09-28T09:00-03:00" and first["resolution_hours"] == "96.0"
    assert (first["first_response"], first["delivery"], first["rating"]) == ("", "met", "4")
    assert (second["first_response_hours"], second["first_response"]) == ("2.0", "met")
    assert third["first_response"] == "missed" and third["first_response_hours"] == "30.0"
    assert (third["adjustments_met"], third["adjustments_missed"]) == ("1", "0")
    assert (third["original_deadline"], third["deadline"]) == ("2026-10-13", "2026-10-18")
    assert third["deadline_moves"] == "2026-10-13 -> 2026-10-18: Aguardando as fotos novas"
    assert third["rating"] == "3" and third["status"] == "done"
    assert fourth["concluded_at"] == "" and fourth["first_response"] == "missed"  # ran out
    # The rows add up to the page's figures.
    assert sum(row["delivery"] == "met" for row in rows.values()) == 3
    assert sorted(int(row["rating"]) for row in rows.values() if row["rating"]) == [3, 4, 5]


def test_the_csv_carries_no_live_formula(as_acme_admin, contact_a, agent):
    with time_machine.travel(T0, tick=False):
        ticket = open_ticket(contact_a, subject='=HYPERLINK("http://evil.example","x")')
        agree_deadline(
            ticket, agent=agent, contact=contact_a, deadline=datetime.date(2026, 10, 20),
            reason="@SUM(A1)",
        )  # fmt: skip
    rows = read_csv(get(as_acme_admin, PAGE, {**OCTOBER, "format": "csv"}))
    assert rows[0]["subject"].startswith("'=HYPERLINK")
    assert rows[0]["deadline_moves"] == "2026-10-12 -> 2026-10-20: @SUM(A1)"  # not at the start


def test_the_staff_csv_is_the_same(client, agent, company_a, october, acme_admin):
    client.force_login(agent)
    staff_rows = read_csv(get(client, staff_page(company_a), {**OCTOBER, "format": "csv"}))
    client.force_login(acme_admin)
    assert staff_rows == read_csv(get(client, PAGE, {**OCTOBER, "format": "csv"}))


# --- A fixed number of queries, whatever the month holds


def more_of_everything(contact, agent) -> None:
    """More requests in October: answered, corrected, re-dated, concluded and rated."""
    with time_machine.travel(T0 + 10 * D, tick=False) as clock:
        for n in range(3):
            ticket = open_ticket(contact, subject=f"Mais um pedido {n}")
            ticket_assign(ticket=ticket, actor=agent, assignee=agent)
            clock.shift(H)
            ticket_answer(ticket=ticket, author=agent, body="Feito.")
            agree_deadline(
                ticket,
                agent=agent,
                contact=contact,
                deadline=ticket.deadline + datetime.timedelta(days=3),
                reason=f"Motivo {n}",
            )
            ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
            rate(ticket, 5)


@pytest.mark.parametrize(
    ("who", "url", "expected"),
    [
        # session, user (with company), opened, concluded, commitments, moves,
        # satisfaction, first month, the header's unread notifications
        ("acme_admin", lambda company: PAGE, 9),
        # the same, and the company
        ("agent", staff_page, 10),
    ],
)
def test_the_page_runs_a_fixed_number_of_queries(
    client, request, october, company_a, contact_a, agent, django_assert_num_queries,
    who, url, expected,
):  # fmt: skip
    client.force_login(request.getfixturevalue(who))
    page = url(company_a)
    get(client, page, OCTOBER)  # warm caches (content types, sessions)
    with django_assert_num_queries(expected):
        assert get(client, page, OCTOBER).status_code == 200
    more_of_everything(contact_a, agent)
    with django_assert_num_queries(expected):
        response = get(client, page, OCTOBER)
    assert response.context["report"].opened == 6 and len(response.context["report"].moves) == 4


def test_the_csv_runs_a_fixed_number_of_queries(
    as_acme_admin, october, contact_a, agent, django_assert_num_queries
):
    get(as_acme_admin, PAGE, {**OCTOBER, "format": "csv"})
    # session, user, the rows, their commitments, their moves, their ratings (no page,
    # so no header)
    with django_assert_num_queries(6):
        get(as_acme_admin, PAGE, {**OCTOBER, "format": "csv"})
    more_of_everything(contact_a, agent)
    with django_assert_num_queries(6):
        rows = read_csv(get(as_acme_admin, PAGE, {**OCTOBER, "format": "csv"}))
    assert len(rows) == 7
