from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.lib.access import admin_required
from portal.lib.http import AuthenticatedHttpRequest
from portal.reports.charts import daily_bars
from portal.reports.figures import build_report
from portal.reports.forms import ReportForm

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
]


def _csv_safe(value) -> str:
    """Spreadsheets run cells that start like a formula; client text must not."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin_required
@require_GET
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form}, status=400)
    figures = build_report(form.report_filters())
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"relatorio-{figures.filters.start}-{figures.filters.end}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for row in figures.rows:
            writer.writerow([_csv_safe(row[column]) for column in CSV_COLUMNS])
        return response
    context = {"form": form, "report": figures, "chart": daily_bars(figures.daily)}
    return render(request, "reports/report.html", context)
