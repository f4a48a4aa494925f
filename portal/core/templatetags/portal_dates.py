"""Dates on the lists and the conversation, written fast.

Django's ``date`` filter formats character by character through ``DateFormat``: on a
list of 25 rows, or a conversation of 50 messages, its two dates per row were a tenth
of the page's time. These filters give the same text: the language's own
SHORT_DATE_FORMAT or SHORT_DATETIME_FORMAT (portal/formats/), turned once into a
``strftime`` pattern when it only holds numbers (day, month, year, hour, minute), else
formatted by Django as before; and ISO 8601 for ``<time datetime>``.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from django import template
from django.utils.dateformat import format as django_format
from django.utils.formats import get_format

register = template.Library()

# The numeric format characters and their strftime equivalents; anything else (month
# names, "j", escapes) leaves the format to Django.
_NUMERIC = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


@lru_cache(maxsize=32)
def _strftime_pattern(django_pattern: str) -> str | None:
    parts = []
    for char in django_pattern:
        if char in _NUMERIC:
            parts.append(_NUMERIC[char])
        elif char.isalpha() or char in "\\%":
            return None
        else:
            parts.append(char)
    return "".join(parts)


def _formatted(value: datetime.date | None, format_name: str) -> str:
    if value in (None, ""):
        return ""
    pattern = get_format(format_name)  # the active language's, cached by Django
    fast = _strftime_pattern(pattern)
    return value.strftime(fast) if fast is not None else django_format(value, pattern)


@register.filter(expects_localtime=True, is_safe=False)
def short_date(value: datetime.date | None) -> str:
    """As ``|date:"SHORT_DATE_FORMAT"``."""
    return _formatted(value, "SHORT_DATE_FORMAT")


@register.filter(expects_localtime=True, is_safe=False)
def short_datetime(value: datetime.datetime | None) -> str:
    """As ``|date:"SHORT_DATETIME_FORMAT"``, in the current time zone."""
    return _formatted(value, "SHORT_DATETIME_FORMAT")


@register.filter(expects_localtime=True, is_safe=False)
def iso_moment(value: datetime.datetime | None) -> str:
    """As ``|date:"c"``: for ``<time datetime="…">``."""
    return value.isoformat() if value not in (None, "") else ""
