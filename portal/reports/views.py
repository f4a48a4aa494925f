from __future__ import annotations

import csv
from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from portal.accounts.company_admin import is_company_admin
from portal.companies.models import Company
from portal.lib.access import admin_required, staff_required
from portal.lib.http import AuthenticatedHttpRequest
from portal.reports.charts import daily_bars, score_bars
from portal.reports.company import CSV_COLUMNS as COMPANY_CSV_COLUMNS
from portal.reports.company import build_company_report, company_rows, first_month
from portal.reports.figures import build_report
from portal.reports.forms import MonthForm, ReportForm
from portal.reports.months import Month
from portal.reports.satisfaction import satisfaction_report

CSV_COLUMNS = [
    "number",
    "company",
    "subject",
    "department",
    "service",
    "assignee",
    "status",
    "opened_at",
    "first_response_hours",
    "concluded_at",
    "resolution_hours",
    "rating",
]
SATISFACTION_CSV_COLUMNS = [
    "dimension",
    "name",
    "ratings",
    "average",
    "satisfied_percent",
    "score_1",
    "score_2",
    "score_3",
    "score_4",
    "score_5",
]


def _csv_safe(value) -> str:
    """Spreadsheets run cells that start like a formula; client text must not."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_response(name: str, columns: list[str], rows: Iterable[dict]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_safe(row[column]) for column in columns])
    return response


@admin_required
@require_GET
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form}, status=400)
    filters = form.report_filters()
    period = f"{filters.start}-{filters.end}"
    if request.GET.get("format") == "csv" and request.GET.get("part") == "satisfaction":
        rows = satisfaction_report(filters).csv_rows()
        return _csv_response(f"satisfacao-{period}.csv", SATISFACTION_CSV_COLUMNS, rows)
    if request.GET.get("format") == "csv":
        rows = build_report(filters).rows
        return _csv_response(f"relatorio-{period}.csv", CSV_COLUMNS, rows)
    figures = build_report(filters)
    context = {
        "form": form,
        "report": figures,
        "chart": daily_bars(figures.daily),
        "csat": satisfaction_report(filters),
    }
    return render(request, "reports/report.html", context)


# --- A client company's monthly report (Relatório)


@login_required
@require_GET
def company_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The company administrator's report of their own company."""
    company = request.user.company
    if not is_company_admin(request.user) or company is None:
        raise Http404
    return _company_page(request, company)


@staff_required
@require_GET
def company_report_for_staff(request: AuthenticatedHttpRequest, company_id: int) -> HttpResponse:
    """The same report, for the team, of any client company."""
    return _company_page(request, get_object_or_404(Company, pk=company_id), staff=True)


def _company_page(
    request: AuthenticatedHttpRequest, company: Company, *, staff: bool = False
) -> HttpResponse:
    form = MonthForm(request.GET or None)
    context: dict = {"form": form, "company": company, "staff": staff}
    if not form.is_valid():
        return render(request, "reports/company.html", context, status=400)
    month = form.month()
    if request.GET.get("format") == "csv":
        name = f"relatorio-{slugify(company.name) or company.pk}-{month}.csv"
        return _csv_response(name, COMPANY_CSV_COLUMNS, company_rows(company, month))
    report = build_company_report(company, month)
    context |= {
        "report": report,
        "month_start": month.first_day,
        "previous": _link(month.previous()) if month > first_month(company) else None,
        "next": _link(month.next()) if month < Month.current() else None,
        "chart": daily_bars(report.daily),
        "scores": score_bars(report.satisfaction.by_score()),
    }
    return render(request, "reports/company.html", context)


def _link(month: Month) -> dict:
    return {"value": str(month), "start": month.first_day}
