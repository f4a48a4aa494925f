from __future__ import annotations

from typing import Any

from django import template

from portal.workspace.merge_forms import MergeForm

register = template.Library()


@register.simple_tag(takes_context=True)
def merge_form(context: dict[str, Any]) -> MergeForm:
    """The Mesclar panel's form: the one that came back with errors, else an empty one
    (the ticket page's view knows nothing of it; the form costs no query)."""
    return context.get("merge_form") or MergeForm(source=context["ticket"])
