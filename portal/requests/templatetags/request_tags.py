from __future__ import annotations

import datetime
import re

from django import template
from django.template.defaultfilters import linebreaksbr, urlize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.requests.models import Status

register = template.Library()

_NOFOLLOW = re.compile(r'<a href="([^"]*)" rel="nofollow">')


@register.filter
def message_text(text: str) -> SafeString:
    """User text as the person typed it: escaped, line breaks kept, links clickable.

    Nothing the person typed is ever interpreted as HTML; links open in a new
    tab without giving it access to this page.
    """
    linked = urlize(escape(text), autoescape=False)
    linked = _NOFOLLOW.sub(
        r'<a href="\1" rel="noopener noreferrer nofollow" target="_blank">', linked
    )
    return mark_safe(linebreaksbr(linked, autoescape=False))  # noqa: S308 - escaped above


@register.filter
def iso_date(value: str) -> datetime.date | str:
    """A date stored as ISO text in an event, back to a date the template can format."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@register.filter
def status_label(value: str) -> str:
    try:
        return Status(value).label
    except ValueError:
        return value


@register.inclusion_tag("requests/partials/status_badge.html")
def status_badge(request) -> dict:
    return {"status": request.status, "label": request.get_status_display(), "req": request}
