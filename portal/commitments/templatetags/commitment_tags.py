from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from portal.commitments.models import Clock
from portal.commitments.selectors import commitment_flag

register = template.Library()


@register.simple_tag
def commitment_badge(next_due, kind: str = "") -> str:
    """A flag on a queue row when a promise runs out soon or already has, naming it.

    Most rows have none: render the template only for those that do (a template
    per row of the queue costs more than the rest of the row).
    """
    flag = commitment_flag(next_due)
    if not flag:
        return ""
    label = Clock.Kind(kind).label if kind in Clock.Kind.values else ""
    return render_to_string(
        "commitments/badge.html", {"flag": flag, "due": next_due, "kind": label}
    )
