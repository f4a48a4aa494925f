"""The Jinja2 environment of the request pages' conversation (portal/jinja2/).

Django's template language resolves every ``{{ a.b.c }}`` by trying a dictionary, an
attribute and an index in turn: a conversation of 50 messages and their events made a
thousand such lookups per page, the largest cost of the request pages after the
queries. Jinja2 compiles a template to Python once. The pages stay Django templates;
the conversation's loop is a Jinja2 partial included with ``{% jinja %}``
(portal/core/templatetags/jinja_partials.py), which hands it the page's context.

What the partial needs means what it means in the Django templates: every ``{{ value }}``
escaped by Django's own rules (the same bytes; a ``SafeString`` passes as is), ``url()``
as ``{% url %}``, the dates of ``portal_dates`` in the current time zone, Django's
``filesizeformat``, the tickets' ``message_text`` and ``event_text``. It holds no text to
translate: its labels come from the page, translated there.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.timezone import is_aware, localtime
from jinja2 import Environment
from markupsafe import Markup

from portal.core.templatetags.portal_dates import iso_moment, short_datetime
from portal.tickets.templatetags.ticket_tags import event_text, message_text


def _url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def _local(function: Callable[[Any], str]) -> Callable[[Any], str]:
    """A ``portal_dates`` filter after the conversion Django's templates make first."""

    def local(value: Any) -> str:
        if isinstance(value, datetime.datetime) and is_aware(value):
            value = localtime(value)
        return function(value)

    return local


def _django_escape(value: Any) -> Markup:
    return Markup(conditional_escape(value))  # noqa: S704 - escaped by Django just now


def environment(**options: Any) -> Environment:
    # Escaping is on whatever the settings say: it is what every partial relies on.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals["url"] = _url
    env.filters.update(
        short_datetime=_local(short_datetime),
        iso_moment=_local(iso_moment),
        filesizeformat=filesizeformat,
        message_text=message_text,
        event_text=event_text,
    )
    # Escaped by Django's rules before Jinja sees it (Markup is left alone).
    env.finalize = _django_escape
    return env
