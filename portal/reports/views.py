from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.lib.access import admin_required
from portal.lib.http import AuthenticatedHttpRequest
from portal.reports.charts import daily_bars
from portal.reports.figures import build_report
from portal.reports.forms import ReportForm
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
