"""A date typed as dd/mm/aaaa in any browser (issue 15).

A ``type="date"`` input follows the browser's locale, not the page's: in an English
browser, typing 10/12/2026 gave the year 122026. This field is a plain text input,
numeric keyboard on phones, that accepts dd/mm/aaaa in both languages (the agency is
Brazilian) and ISO yyyy-mm-dd (what the tests and older forms post).
portal/static/portal/date_input.js inserts the slashes as one types.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_HELP = _("Day, month and year: dd/mm/yyyy.")
DISPLAY_FORMAT = "%d/%m/%Y"
# dd/mm/aaaa (day and month of one or two digits) or yyyy-mm-dd.
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"


class DayMonthYearInput(forms.DateInput):
    """A text input for dd/mm/aaaa, the same in every browser; ISO ``data-min``/``data-max``."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None) -> None:
        base = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": _("dd/mm/yyyy"),
            "pattern": DATE_PATTERN,
            "maxlength": "10",
            "size": "10",
            "data-date-input": True,
        }
        super().__init__(attrs={**base, **(attrs or {})}, format=DISPLAY_FORMAT)


class DayMonthYearField(forms.DateField):
    widget = DayMonthYearInput
    default_error_messages = {
        "invalid": _("Enter a valid date as dd/mm/yyyy, such as 10/12/2026."),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(**kwargs)
