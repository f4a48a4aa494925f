"""Sentences put into words when they are shown, not when they are written."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise


def _shown(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Promise):
        return str(value)
    return value


class Phrase:
    """A translatable sentence with its values, translated and formatted each time it
    is turned into text: an e-mail queued in one request is rendered in its
    recipient's language, with dates in that language's format.

    Templates escape it like any other value.
    """

    def __init__(self, text: str | Promise, **values: Any) -> None:
        self.text = text
        self.values = values

    def __str__(self) -> str:
        text = str(self.text)
        if not self.values:
            return text
        return text % {name: _shown(value) for name, value in self.values.items()}

    def __repr__(self) -> str:
        return f"Phrase({self.text!r})"
