"""The monthly report e-mailed to company administrators (portal/reports/monthly.py):
on the first working day, once per company and month even with workers racing, to
active administrators of active companies that had something to report, as they chose."""

from __future__ import annotations

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections

from portal.core.periodic import JOBS
from portal.notifications.models import EmailOptOut, OutboundEmail
from portal.notifications.preferences import CLIENT_KINDS
from portal.reports.models import CompanyReportSent
from portal.reports.monthly import (
    month_due,
    send_company_report,
    send_company_reports,
    sending_starts,
)
from portal.reports.months import Month
from tests.support.factories import CompanyFactory, ContactFactory, open_ticket

SP = ZoneInfo("America/Sao_Paulo")
OCTOBER = Month(2026, 10)
# 1 November 2026 is a Sunday and the 2nd is Finados: the first working day is the 3rd.
FIRST_WORKING_MOMENT = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=SP)


def sp(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SP)


@pytest.fixture
def admins(company_a, acme_admin):
    """ACME's administrators: Diana (pt-BR) and John (English). Ana is a plain contact,
    and a former administrator's account is deactivated."""
    john = ContactFactory(
        company=company_a, email="john@acme.test", name="John Smith", language="en",
        is_company_admin=True,
    )  # fmt: skip
    ContactFactory(company=company_a, email="ex@acme.test", is_company_admin=True, is_active=False)
    return [acme_admin, john]


@pytest.fixture
def activity(contact_a, contact_b, boreal_admin):
    """ACME opened a request in October; Boreal (with an admin) only in November; a
    deactivated client had October requests too."""
    stopped = CompanyFactory(name="Cia Parada")
    ContactFactory(company=stopped, email="adm@parada.test", is_company_admin=True)
    with time_machine.travel(sp(2026, 10, 15, 10), tick=False):
        open_ticket(contact_a, subject="Post de outubro")
        open_ticket(ContactFactory(company=stopped), subject="Última campanha")
    with time_machine.travel(sp(2026, 11, 1, 10), tick=False):
        open_ticket(contact_b, subject="Roteiro de novembro")
    stopped.is_active = False
    stopped.save(update_fields=["is_active"])


def reports_to(*people) -> list[OutboundEmail]:
    return list(
        OutboundEmail.objects.filter(kind="company-report", recipient_id__in=[p.pk for p in people])
    )


def run(moment: datetime.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return send_company_reports()


# --- When: the first working day of the month


@pytest.mark.parametrize(
    ("month", "starts"),
    [
        (Month(2026, 11), sp(2026, 11, 3, 9)),  # Sunday, then Finados (a Monday)
        (Month(2027, 1), sp(2027, 1, 4, 9)),  # New Year's Day is a Friday
        (Month(2026, 12), sp(2026, 12, 1, 9)),  # a Tuesday
        (Month(2026, 8), sp(2026, 8, 3, 9)),  # Saturday 1st
    ],
)
def test_the_first_working_day_skips_weekends_and_holidays(settings, month, starts):
    assert settings.BUSINESS_CALENDAR is False  # the clocks count every hour; dates do not
    assert sending_starts(month) == starts


def test_the_working_calendar_settings_decide_the_day(settings):
    settings.HOLIDAYS_EXTRA = "2026-12-01"  # a city's holiday
    settings.BUSINESS_HOURS = "08:00-17:00"
    assert sending_starts(Month(2026, 12)) == sp(2026, 12, 2, 8)
    settings.BUSINESS_DAYS = "0,1,2,3,4,5"  # Saturdays too
    assert sending_starts(Month(2026, 8)) == sp(2026, 8, 1, 8)


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        (sp(2026, 11, 1, 10), None),
        (sp(2026, 11, 2, 15), None),  # Finados
        (sp(2026, 11, 3, 8, 59), None),
        (sp(2026, 11, 3, 9, 0), OCTOBER),
        (sp(2026, 11, 20, 14), OCTOBER),  # a worker that was down catches up
        (sp(2026, 12, 1, 8), None),
        (sp(2026, 12, 1, 9), Month(2026, 11)),
    ],
)
def test_which_month_is_due(moment, due):
    assert month_due(moment) == due


def test_the_job_runs_by_itself():
    assert JOBS["send_company_reports"].function is send_company_reports


@pytest.mark.django_db
def test_nothing_goes_out_before_the_first_working_day(admins, activity):
    assert run(sp(2026, 11, 2, 12)) == 0
    assert not OutboundEmail.objects.filter(kind="company-report").exists()


# --- Who, and once


@pytest.mark.django_db
def test_each_active_admin_of_an_active_company_with_activity_gets_it_once(
    admins, activity, contact_a, boreal_admin
):
    assert run(FIRST_WORKING_MOMENT) == 1
    emails = OutboundEmail.objects.filter(kind="company-report")
    assert sorted(emails.values_list("to_address", flat=True)) == [
        "diretora@acme.test",
        "john@acme.test",
    ]
    # Not Ana (no admin), not Boreal (nothing in October), not the deactivated client.
    claim = CompanyReportSent.objects.get()
    assert (claim.company.name, claim.month, claim.recipients) == (
        "ACME Alimentos",
        datetime.date(2026, 10, 1),
        2,
    )
    # Later runs, that day or days later, send nothing more.
    assert run(FIRST_WORKING_MOMENT + datetime.timedelta(minutes=15)) == 0
    assert run(sp(2026, 11, 20, 10)) == 0
    assert emails.count() == 2


@pytest.mark.django_db
def test_the_email_summarises_the_month_in_each_admins_language(admins, activity):
    run(FIRST_WORKING_MOMENT)
    diana, john = (reports_to(admin)[0] for admin in admins)
    link = "https://portal.example/empresa/relatorio/?mes=2026-10"
    assert diana.subject == "ACME Alimentos: nosso relatório de outubro de 2026"
    assert "Olá, Diana!" in diana.body_text and "Solicitações abertas: 1" in diana.body_text
    # Its one request went unanswered and undelivered past the promises: missed in October.
    assert "Primeiro contato em até 24 h: 0,0% (0 de 1)" in diana.body_text
    assert "Entrega até o prazo: 0,0% (0 de 1)" in diana.body_text
    assert link in diana.body_text and f'href="{link}"' in diana.body_html
    assert "Ver o relatório completo" in diana.body_html
    assert "Solicitações abertas" in diana.body_html
    assert john.subject == "ACME Alimentos: our report for October 2026"
    assert "Requests opened: 1" in john.body_text and "See the whole report" in john.body_html


@pytest.mark.django_db
def test_an_admin_who_turned_it_off_is_not_sent_it(admins, activity):
    assert "company-report" in {kind.key for kind in CLIENT_KINDS}  # offered to turn off
    diana, john = admins
    EmailOptOut.objects.create(user=diana, kind="company-report")
    run(FIRST_WORKING_MOMENT)
    assert reports_to(diana) == [] and len(reports_to(john)) == 1
    assert CompanyReportSent.objects.get().recipients == 1


@pytest.mark.django_db
def test_a_company_gets_it_once_it_has_an_admin(company_a, contact_a, activity):
    assert run(FIRST_WORKING_MOMENT) == 0
    assert not CompanyReportSent.objects.filter(company=company_a).exists()
    contact_a.is_company_admin = True
    contact_a.save(update_fields=["is_company_admin"])
    assert run(sp(2026, 11, 9, 10)) == 1
    assert len(reports_to(contact_a)) == 1


@pytest.mark.django_db
def test_a_quiet_month_sends_nothing(admins):
    with time_machine.travel(sp(2026, 9, 10, 10), tick=False):
        open_ticket(admins[0], subject="Setembro")
    assert run(FIRST_WORKING_MOMENT) == 0
    assert not CompanyReportSent.objects.exists()


# --- Workers racing


def race(target, *args, threads: int = 2) -> list:
    """Run ``target(*args)`` in several threads released at the same moment."""
    barrier = threading.Barrier(threads)
    results: list = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            barrier.wait()
            results.append(target(*args))
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=go) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_one_report_send_it_once(company_a, admins, activity):
    with time_machine.travel(FIRST_WORKING_MOMENT, tick=False):
        results = race(send_company_report, company_a, OCTOBER)
    # Both built the report and tried to claim it: one did, the other found it taken.
    assert sorted(results) == [False, True]
    assert [len(reports_to(admin)) for admin in admins] == [1, 1]
    assert CompanyReportSent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_several_workers_running_the_job_at_once_send_each_report_once(admins, activity):
    with time_machine.travel(FIRST_WORKING_MOMENT, tick=False):
        results = race(send_company_reports, threads=3)
    assert sum(results) == 1
    assert [len(reports_to(admin)) for admin in admins] == [1, 1]
    assert OutboundEmail.objects.filter(kind="company-report").count() == 2
