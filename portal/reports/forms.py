from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import StaffChoiceField, staff_members
from portal.reports.figures import ReportFilters
from portal.reports.months import Month
from portal.tickets.models import Department, Service

# The portal did not exist before this; far dates only break the arithmetic.
EARLIEST_REPORT_DAY = datetime.date(2000, 1, 1)


class ReportForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False,
        empty_label=_("All"),
    )  # fmt: skip
    service = forms.ModelChoiceField(
        label=_("Services"), queryset=Service.objects.all(), required=False, empty_label=_("All")
    )
    agent = StaffChoiceField(
        label=_("Agent"), queryset=None, required=False, empty_label=_("Anyone")
    )

    def __init__(self, data=None) -> None:
        today = timezone.localdate()
        defaults = {"start": today - datetime.timedelta(days=29), "end": today}
        super().__init__({**defaults, **data.dict()} if data else defaults)
        cast(StaffChoiceField, self.fields["agent"]).queryset = staff_members()

    def clean(self) -> dict[str, Any]:
        super().clean()  # Form.clean() returns its cleaned_data
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        if start and end and (end - start).days > 366:
            self.add_error("end", _("Choose a period of at most one year."))
        today = timezone.localdate()
        if start and start < EARLIEST_REPORT_DAY:
            self.add_error("start", _("Choose a date from the year 2000 on."))
        if end and end > today + datetime.timedelta(days=366):
            self.add_error("end", _("Choose a date within the next year."))
        return cleaned

    def report_filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            start=data["start"],
            end=data["end"],
            department_id=data["department"].pk if data.get("department") else None,
            service_id=data["service"].pk if data.get("service") else None,
            agent_id=data["agent"].pk if data.get("agent") else None,
        )


class MonthForm(forms.Form):
    """Which month of a company's report to show (``?mes=2026-11``); by default the
    last complete month."""

    mes = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": _("YYYY-MM")}),
    )

    def __init__(self, data=None) -> None:
        default = {"mes": str(Month.current().previous())}
        super().__init__({**default, **data.dict()} if data else default)

    def clean_mes(self) -> Month:
        try:
            month = Month.parse(self.cleaned_data["mes"])
        except ValueError:
            raise forms.ValidationError(
                _("Choose a month as year and month, such as 2026-11."), code="invalid"
            ) from None
        if month < Month.of(EARLIEST_REPORT_DAY):
            raise forms.ValidationError(_("Choose a month from the year 2000 on."), code="early")
        if month > Month.current():
            raise forms.ValidationError(_("This month has not started yet."), code="future")
        return month

    def month(self) -> Month:
        return self.cleaned_data["mes"]
