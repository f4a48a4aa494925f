from __future__ import annotations

import datetime
import re
from functools import lru_cache

from django import template
from django.template.defaultfilters import linebreaksbr, urlize
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from portal.tickets.event_text import event_text as _event_text
from portal.tickets.models import Status, status_meaning

register = template.Library()

_NOFOLLOW = re.compile(r'<a href="([^"]*)" rel="nofollow">')
# Whatever Django's urlize would turn into a link contains one of these.
_LINK_HINT = re.compile(r"://|www\.|@|\.(com|edu|gov|int|mil|net|org)\b", re.IGNORECASE)


@register.filter
def message_text(text: str) -> SafeString:
    """User text as the person typed it: escaped, line breaks kept, links clickable.

    Nothing the person typed is ever interpreted as HTML; links open in a new
    tab without giving it access to this page.
    """
    escaped = escape(text)
    # urlize looks at every word and is the slowest part of a long conversation;
    # text that cannot hold a link (no scheme, "www.", "@" or known domain) stays as is.
    linked: str = urlize(escaped, autoescape=False) if _LINK_HINT.search(escaped) else escaped
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
def iso_datetime(value: str) -> datetime.datetime | str:
    """A moment stored as ISO text in an event, back to a datetime the template can format."""
    try:
        return datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@register.filter
def status_label(value: str) -> str:
    try:
        return str(Status(value).label)  # rendered now, in the language of this page
    except ValueError:
        return value


@register.simple_tag
def status_badge(ticket) -> SafeString:
    """The status as a coloured label, and "Closed" for a closed ticket.

    Built in Python rather than with a template: it is on every row of the lists,
    where rendering a template per row cost more than the rest of the row. And built
    once per language and state: a list has 25 rows in a handful of states.
    """
    return _badge(get_language(), ticket.status, ticket.is_closed, ticket.is_overdue)


@lru_cache(maxsize=128)
def _badge(language: str, status: str, closed: bool, overdue: bool) -> SafeString:
    badge = format_html(
        '<span class="status status-{}" title="{}">{}</span>',
        status,
        status_meaning(status),
        Status(status).label if status in Status.values else status,
    )
    if closed:
        badge += format_html(' <span class="badge badge-muted">{}</span>', gettext("Closed"))
    elif overdue:
        # The Prazo passed and the team has not concluded it: the guide's promise missed.
        badge += format_html(
            ' <span class="badge badge-late" title="{}">{}</span>',
            gettext("The deadline passed; our team will tell you a new date."),
            gettext("Late"),
        )
    return badge


# A number no request will have, to reverse a request's URL pattern once.
_NUMBER_MARK = 987654321


@register.simple_tag
def number_url(name: str, number: int) -> str:
    """``{% url name number %}`` for the URLs of a request by its number, on every row of
    the lists: reversed once per URL name (and script prefix), then filled in."""
    pattern = _number_pattern(name, get_script_prefix(), get_urlconf())
    return pattern.replace(str(_NUMBER_MARK), str(number))


@lru_cache(maxsize=32)
def _number_pattern(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, args=[_NUMBER_MARK], urlconf=urlconf)


@register.simple_tag
def news_marks(ticket) -> SafeString:
    """What is new on a list row for the person reading it: the other side wrote since
    they last opened the ticket ("Nova resposta"), or (for a client) it waits for them.
    In Python for the reason status_badge is."""
    marks = SafeString("")
    if getattr(ticket, "has_news", False):
        marks += format_html(' <span class="badge badge-news">{}</span>', gettext("New answer"))
    if getattr(ticket, "awaits_client", False):
        marks += format_html(
            ' <span class="badge badge-your-turn">{}</span>', gettext("Waiting for you")
        )
    return marks


@register.filter
def time_span(value: datetime.timedelta | None) -> str:
    """A span of time in days, hours and minutes ("1 d 3 h", "2 h 05 min", "12 min"),
    of its absolute value: the page says whether it is left or past."""
    if value is None:
        return ""
    minutes = int(abs(value.total_seconds()) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return gettext("%(hours)s h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return gettext("%(minutes)s min") % {"minutes": minutes}


@register.simple_tag
def status_legend_items() -> SafeString:
    """Each status name with the guide's sentence for it, as <dt>/<dd> pairs."""
    return format_html_join(
        "\n",
        "<dt>{}</dt><dd>{}</dd>",
        ((label, status_meaning(value)) for value, label in Status.choices),
    )


@register.filter
def event_text(event) -> SafeString:
    """What a timeline event says (portal/tickets/event_text.py)."""
    return _event_text(event)
