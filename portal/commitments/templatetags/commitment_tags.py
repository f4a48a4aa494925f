from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext

from portal.commitments.models import Clock
from portal.commitments.selectors import commitment_flag

register = template.Library()


@register.simple_tag
def commitment_badge(next_due, kind: str = "") -> SafeString | str:
    """A flag on a queue row when a promise runs out soon or already has, naming it.

    Built in Python: the queue as it opens lists the promises due first, so every row
    may carry one, and a template per row cost more than the rest of the row.
    """
    flag = commitment_flag(next_due)
    if not flag:
        return ""
    due = date_format(localtime(next_due), "SHORT_DATETIME_FORMAT")
    if flag == "late":
        css, title, word = (
            "flag-late",
            gettext("Commitment missed at %(due)s") % {"due": due},
            gettext("missed"),
        )
    else:
        css, title, word = (
            "flag-risk",
            gettext("Commitment runs out at %(due)s") % {"due": due},
            gettext("at risk"),
        )
    label = Clock.Kind(kind).label if kind in Clock.Kind.values else ""
    text = format_html("{}: {}", word, label) if label else word
    return format_html(' <span class="flag {}" title="{}">{}</span>', css, title, text)
