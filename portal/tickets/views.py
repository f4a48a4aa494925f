from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.commitments.selectors import client_commitments
from portal.lib.forms import posted, posted_files
from portal.lib.http import AuthenticatedHttpRequest
from portal.lib.pagination import CountedPaginator
from portal.tickets.forms import AnswerForm, NewTicketForm
from portal.tickets.models import Status, status_tabs
from portal.tickets.search import mark_page
from portal.tickets.selectors import (
    get_attachment_for_user,
    get_ticket_for_user,
    status_counts,
    ticket_list,
    ticket_timeline,
)
from portal.tickets.services import ticket_answer, ticket_confirm, ticket_open


@login_required
@require_GET
def ticket_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_agency_staff:
        return redirect("workspace:queue")
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:200]
    tickets = ticket_list(request.user, status=status, query=query)
    counts = status_counts(request.user)
    if query:
        paginator = Paginator(tickets, settings.REQUESTS_PER_PAGE)
    else:
        shown = counts[status] if status in Status.values else sum(counts.values())
        paginator = CountedPaginator(tickets, settings.REQUESTS_PER_PAGE, count=shown)
    page = paginator.get_page(request.GET.get("page"))
    if query:
        mark_page(page.object_list, query, internal=False)
    tabs = status_tabs(counts)
    return render(
        request,
        "tickets/ticket_list.html",
        {
            "page": page,
            "tabs": tabs,
            "total": sum(counts.values()),
            "status": status if status in Status.values else "",
            "query": query,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_contact:
        return redirect("tickets:list")
    form = NewTicketForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = ticket_open(
                author=request.user,
                subject=data["subject"],
                department=data["department"],
                service=data["service"],
                priority=data["priority"],
                body=data["body"],
                deadline=data["deadline"],
                files=data["attachments"],
                submission_key=data["submission"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your request #%(number)s is open. We will keep you posted by e-mail.")
                % {"number": opened.number},
            )
            return redirect("tickets:detail", number=opened.number)
    limits = {
        "max_files": settings.ATTACHMENTS_MAX_FILES,
        "max_size": filesizeformat(settings.ATTACHMENTS_MAX_BYTES),
    }
    return render(request, "tickets/ticket_new.html", {"form": form, **limits})


def _detail_context(
    request: AuthenticatedHttpRequest, client_ticket, answer_form: AnswerForm
) -> dict:
    promised = client_ticket.status != Status.DONE and not client_ticket.is_closed
    return {
        "ticket": client_ticket,
        "timeline": ticket_timeline(request.user, client_ticket),
        "answer_form": answer_form,
        "commitments": client_commitments(client_ticket) if promised else None,
    }


@login_required
@require_GET
def ticket_detail(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    if request.user.is_agency_staff:
        return redirect("workspace:ticket", number=number)
    client_ticket = get_ticket_for_user(request.user, number)
    context = _detail_context(request, client_ticket, AnswerForm())
    return render(request, "tickets/ticket_detail.html", context)


@login_required
@require_POST
def ticket_add_answer(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    client_ticket = get_ticket_for_user(request.user, number)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            ticket_answer(
                ticket=client_ticket,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer was added."))
            return redirect("tickets:detail", number=number)
    context = _detail_context(request, client_ticket, form)
    return render(request, "tickets/ticket_detail.html", context, status=400)


@login_required
@require_POST
def ticket_confirm_done(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    client_ticket = get_ticket_for_user(request.user, number)
    try:
        ticket_confirm(ticket=client_ticket, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you! The request is confirmed and closed."))
    return redirect("tickets:detail", number=number)


@login_required
@require_GET
def attachment_download(
    request: AuthenticatedHttpRequest, attachment_id: int, filename: str
) -> FileResponse:
    attachment = get_attachment_for_user(request.user, attachment_id)
    if request.user.is_agency_staff:
        audit.record(
            AuditEntry.Action.STAFF_DOWNLOAD,
            target=attachment.original_name,
            ticket=attachment.message.ticket.number,
        )
    inline = attachment.is_image and request.GET.get("inline") == "1"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
