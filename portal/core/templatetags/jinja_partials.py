"""``{% jinja "name.jinja" %}``: a Jinja2 partial (portal/tickets/jinja.py) inside a Django
template, given the page's context, as ``{% include %}`` would."""

from __future__ import annotations

from typing import Any, cast

from django import template
from django.template import engines
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context: Context, name: str) -> SafeString:
    partial = engines["jinja2"].get_template(name)
    # The partial escapes everything it writes (portal/tickets/jinja.py): its output is HTML.
    values = cast(dict[str, Any], context.flatten())
    return mark_safe(partial.render(values))  # noqa: S308
