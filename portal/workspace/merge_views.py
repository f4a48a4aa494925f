"""Mesclar on the staff request page: the number of the other request, a confirmation
page naming both, then the merge (portal/tickets/merging.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.lib.access import staff_required
from portal.lib.forms import add_use_case_errors
from portal.lib.http import AuthenticatedHttpRequest
from portal.tickets.merging import check_merge, ticket_merge
from portal.workspace.merge_forms import MergeForm
from portal.workspace.views import _get_ticket, _render_ticket


@staff_required
@require_POST
def merge_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The first submit asks for confirmation; the confirmation page's submit merges and
    lands on the target. Errors come back on the request's page, next to the number."""
    source = _get_ticket(number)
    form = MergeForm(request.POST, source=source)
    if form.is_valid():
        target = form.cleaned_data["target"]
        try:
            if not form.cleaned_data["confirm"]:
                check_merge(source=source, target=target)
                context = {"source": source, "target": target, "form": form}
                return render(request, "workspace/merge_confirm.html", context)
            ticket_merge(source=source, target=target, actor=request.user)
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            messages.success(
                request,
                _("Request #%(source)s was merged into #%(target)s.")
                % {"source": source.number, "target": target.number},
            )
            return redirect("workspace:ticket", number=target.number)
    return _render_ticket(request, source, status=400, failed_form=form, extra={"merge_form": form})
