"""The pages of a merged request (Mesclar, portal/tickets/merging.py) lead to the request
it was merged into, for the client and for the team alike."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from portal.lib.http import AuthenticatedHttpRequest
from portal.tickets.models import Ticket


def lead_to_target(request: AuthenticatedHttpRequest, ticket: Ticket, view: str) -> HttpResponse:
    """Redirect to ``view`` of the request ``ticket`` was merged into, saying why. Who
    could see the merged one sees the target: same company, and its followers and
    opener follow it."""
    number = Ticket.objects.values_list("number", flat=True).get(merged_from=ticket)
    messages.info(
        request,
        _("Request #%(source)s was merged into #%(target)s.")
        % {"source": ticket.number, "target": number},
    )
    return redirect(view, number=number)
