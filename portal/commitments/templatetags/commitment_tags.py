from __future__ import annotations

from django import template

from portal.commitments.selectors import commitment_flag

register = template.Library()


@register.inclusion_tag("commitments/badge.html")
def commitment_badge(next_due) -> dict:
    """A flag on a queue row when a promise runs out soon or already has."""
    return {"flag": commitment_flag(next_due), "due": next_due}
