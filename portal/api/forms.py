from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.api.models import AccessToken
from portal.lib.dates import DayMonthYearField
from portal.tickets.models import Status


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, such as “Reports spreadsheet”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=AccessToken.Scope.choices,
        initial=AccessToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    expires_on = DayMonthYearField(
        label=_("Expires on (optional)"),
        required=False,
        help_text=_("Day, month and year: dd/mm/yyyy. Empty: until you revoke it."),
    )


class RequestFilterForm(forms.Form):
    """The list's filters: those of ATENDIMENTO and of the team's queue, read from the query
    string. Unlike the pages, a value that does not validate is an error, not ignored:
    a program should know its filter did nothing."""

    status = forms.ChoiceField(required=False, choices=[("", ""), *Status.choices])
    department = forms.IntegerField(required=False, min_value=1)
    service = forms.IntegerField(required=False, min_value=1)
    priority = forms.IntegerField(required=False, min_value=1)
    company = forms.IntegerField(required=False, min_value=1)
    assignee = forms.RegexField(
        required=False,
        regex=r"^(me|none|\d+)$",
        error_messages={"invalid": _("Use “me”, “none” or a team member's id.")},
    )
    overdue = forms.NullBooleanField(required=False)
    q = forms.CharField(required=False, max_length=200, strip=True)
    cursor = forms.RegexField(
        required=False,
        regex=r"^\d+$",
        error_messages={"invalid": _("Use the “next” value of the previous page.")},
    )
    limit = forms.IntegerField(required=False, min_value=1, max_value=100)
