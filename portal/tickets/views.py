from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.commitments.selectors import client_commitments
from portal.lib.forms import add_use_case_errors, posted, posted_files
from portal.lib.http import AuthenticatedHttpRequest
from portal.lib.pagination import CountedPaginator
from portal.lib.storage_download import signed_download_url
from portal.tickets.deadlines import deadline_proposal_answer, pending_proposal
from portal.tickets.drafts import draft_of, draft_save
from portal.tickets.followers import (
    colleagues_of,
    follower_candidates,
    ticket_add_followers,
    ticket_follow,
    ticket_unfollow,
)
from portal.tickets.forms import (
    AnswerForm,
    ConfirmForm,
    FollowersForm,
    MeetingChoiceForm,
    NewTicketForm,
    OtherTimesForm,
    RefuseProposalForm,
    ReopenForm,
    ServiceAnswersForm,
    followers_card,
)
from portal.tickets.meetings import current_meeting, meeting_ask_other_times, meeting_confirm
from portal.tickets.merged_pages import lead_to_target
from portal.tickets.models import Status, Ticket, status_tabs
from portal.tickets.news import ticket_mark_seen
from portal.tickets.search import mark_page
from portal.tickets.selectors import (
    get_attachment_for_user,
    get_ticket_for_user,
    status_counts,
    ticket_list,
    ticket_search,
    ticket_timeline,
)
from portal.tickets.service_fields import answers_of, fields_by_service
from portal.tickets.services import ticket_answer, ticket_confirm, ticket_open, ticket_reopen


@login_required
@require_GET
def ticket_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_agency_staff:
        return redirect("workspace:queue")
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:200]
    counts = status_counts(request.user)
    more_results = False
    if query:
        found = ticket_search(request.user, status=status, query=query)
        paginator = CountedPaginator(found.tickets, settings.REQUESTS_PER_PAGE, count=found.count)
        more_results = found.more
    else:
        tickets = ticket_list(request.user, status=status)
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
            "more_results": more_results,
            "max_results": settings.SEARCH_MAX_RESULTS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_contact:
        return redirect("tickets:list")
    continues = _closed_ticket_to_continue(request)
    initial = {"subject": continues.subject} if continues is not None else {}
    form = NewTicketForm(
        posted(request),
        posted_files(request),
        initial=initial,
        colleagues=colleagues_of(request.user),
    )
    answers_form = ServiceAnswersForm(posted(request), fields_by_service=fields_by_service())
    # Both forms are validated (a list, not ``and``), so each shows its errors.
    if request.method == "POST" and all([form.is_valid(), answers_form.is_valid()]):
        try:
            opened = ticket_open(
                author=request.user,
                continues=continues,
                answers=answers_form.answers(),
                **form.ticket_fields(),
            )
        except ValidationError as error:
            add_use_case_errors(form, answers_form.claim_errors(error))
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
    context = {
        "form": form,
        "answers_form": answers_form,
        "continues": continues,
        **limits,
    }
    return render(request, "tickets/ticket_new.html", context)


def _closed_ticket_to_continue(request: AuthenticatedHttpRequest) -> Ticket | None:
    """The closed ticket named by ``?a_partir_de=N`` (Nova solicitação a partir desta);
    one this person cannot see is a 404, like its page."""
    number = request.GET.get("a_partir_de", "")
    if not number.isdigit():
        return None
    ticket = get_ticket_for_user(request.user, int(number))
    return ticket if ticket.is_closed else None


def _detail_context(
    request: AuthenticatedHttpRequest, client_ticket: Ticket, answer_form: AnswerForm, **forms
) -> dict:
    promised = client_ticket.status != Status.DONE and not client_ticket.is_closed
    return {
        "ticket": client_ticket,
        "field_answers": answers_of(client_ticket),
        "timeline": ticket_timeline(request.user, client_ticket),
        "answer_form": answer_form,
        "commitments": client_commitments(client_ticket) if promised else None,
        "proposal": None if client_ticket.is_closed else pending_proposal(client_ticket),
        "meeting": None if client_ticket.is_closed else current_meeting(client_ticket),
        "refuse_form": forms.get("refuse_form") or RefuseProposalForm(),
        "other_times_form": forms.get("other_times_form") or OtherTimesForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        **followers_card(request.user, client_ticket, forms.get("followers_form")),
        "may_reopen": client_ticket.may_reopen(),
    }


def _render_detail(
    request: AuthenticatedHttpRequest, client_ticket: Ticket, *, status: int = 200, **forms
) -> HttpResponse:
    answer_form = forms.pop("answer_form", None)
    if answer_form is None:
        draft = draft_of(request.user, client_ticket)
        answer_form = AnswerForm(initial={"body": draft.body} if draft else None)
    context = _detail_context(request, client_ticket, answer_form, **forms)
    return render(request, "tickets/ticket_detail.html", context, status=status)


@login_required
@require_GET
def ticket_detail(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    if request.user.is_agency_staff:
        return redirect("workspace:ticket", number=number)
    client_ticket = get_ticket_for_user(request.user, number)
    if client_ticket.is_merged:  # Mesclar: its work goes on in the other request
        return lead_to_target(request, client_ticket, "tickets:detail")
    response = _render_detail(request, client_ticket)
    ticket_mark_seen(user=request.user, ticket=client_ticket)
    return response


@login_required
@require_POST
def ticket_add_answer(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    client_ticket = get_ticket_for_user(request.user, number)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message = ticket_answer(
                ticket=client_ticket,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            messages.success(request, _("Your answer was added."))
            # Back on the page at the answer just sent, not at the top of a long page.
            return redirect(reverse("tickets:detail", args=[number]) + f"#m{message.pk}")
    return _render_detail(request, client_ticket, status=400, answer_form=form)


@login_required
@require_POST
def draft_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """Keep what the client is typing in Adicionar Resposta (drafts.js posts it)."""
    client_ticket = get_ticket_for_user(request.user, number)
    if client_ticket.is_closed:
        raise Http404
    draft_save(user=request.user, ticket=client_ticket, body=request.POST.get("body", ""))
    return JsonResponse({"saved_at": timezone.localtime().strftime("%H:%M")})


def _client_only(request: AuthenticatedHttpRequest, number: int) -> Ticket:
    """The ticket, for its client's actions; staff answer nothing in the client's name."""
    client_ticket = get_ticket_for_user(request.user, number)
    if not request.user.is_contact:
        raise Http404
    return client_ticket


@login_required
@require_POST
def ticket_reopen_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    client_ticket = _client_only(request, number)
    form = ReopenForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            ticket_reopen(
                ticket=client_ticket,
                actor=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            messages.success(request, _("The request is reopened; the team is on it."))
            return redirect("tickets:detail", number=number)
    return _render_detail(request, client_ticket, status=400, reopen_form=form)


@login_required
@require_POST
def proposal_answer_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    client_ticket = _client_only(request, number)
    proposal = pending_proposal(client_ticket)
    if proposal is None:
        messages.error(request, _("This proposal was already answered or replaced."))
        return redirect("tickets:detail", number=number)
    accept = request.POST.get("answer") == "accept"
    form = RefuseProposalForm(request.POST)
    if accept or form.is_valid():
        try:
            deadline_proposal_answer(
                proposal=proposal,
                actor=request.user,
                accept=accept,
                comment="" if accept else form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            if accept:
                messages.success(request, _("New deadline accepted."))
            else:
                messages.success(request, _("You refused the new deadline; the team is told."))
            return redirect("tickets:detail", number=number)
    return _render_detail(request, client_ticket, status=400, refuse_form=form)


@login_required
@require_POST
def meeting_confirm_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    client_ticket = _client_only(request, number)
    meeting = current_meeting(client_ticket)
    form = MeetingChoiceForm(request.POST)
    if meeting is None or not form.is_valid():
        messages.error(request, _("Choose one of the proposed times."))
        return redirect("tickets:detail", number=number)
    try:
        meeting_confirm(meeting=meeting, actor=request.user, slot_id=form.cleaned_data["slot"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Meeting confirmed. The invitation is on its way to your calendar.")
        )
    return redirect("tickets:detail", number=number)


@login_required
@require_POST
def meeting_other_times_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    client_ticket = _client_only(request, number)
    meeting = current_meeting(client_ticket)
    if meeting is None:
        raise Http404
    form = OtherTimesForm(request.POST)
    if form.is_valid():
        try:
            meeting_ask_other_times(
                meeting=meeting, actor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            messages.success(request, _("The team will propose other times."))
            return redirect("tickets:detail", number=number)
    return _render_detail(request, client_ticket, status=400, other_times_form=form)


@login_required
@require_POST
def ticket_confirm_done(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    client_ticket = get_ticket_for_user(request.user, number)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            ticket_confirm(
                ticket=client_ticket,
                actor=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect("tickets:detail", number=number)
            add_use_case_errors(form, error)
        else:
            messages.success(request, _("Thank you! The request is confirmed and closed."))
            return redirect("tickets:detail", number=number)
    return _render_detail(request, client_ticket, status=400, confirm_form=form)


@login_required
@require_POST
def followers_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """Seguir, Deixar de seguir and Adicionar seguidores, for whoever sees the request."""
    ticket = get_ticket_for_user(request.user, number)
    page = "workspace:ticket" if request.user.is_agency_staff else "tickets:detail"
    action = request.POST.get("action")
    if action == "follow":
        ticket_follow(ticket=ticket, actor=request.user)
        messages.success(request, _("You follow this request: you receive every update."))
    elif action == "unfollow":
        ticket_unfollow(ticket=ticket, actor=request.user)
        messages.success(request, _("You no longer follow this request."))
    else:
        candidates = follower_candidates(ticket, request.user)
        form = FollowersForm(request.POST, candidates=candidates)
        if form.is_valid():
            try:
                ticket_add_followers(
                    ticket=ticket, actor=request.user, people=form.cleaned_data["followers"]
                )
            except ValidationError as error:
                add_use_case_errors(form, error)
            else:
                messages.success(request, _("Followers added."))
                return redirect(page, number=number)
        if request.user.is_agency_staff:
            # The team's page draws its own context; its card shows the error there.
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
            return redirect(page, number=number)
        return _render_detail(request, ticket, status=400, followers_form=form)
    return redirect(page, number=number)


@login_required
@require_GET
def attachment_download(
    request: AuthenticatedHttpRequest, attachment_id: int, filename: str
) -> HttpResponseBase:
    attachment = get_attachment_for_user(request.user, attachment_id)
    if request.user.is_agency_staff:
        audit.record(
            AuditEntry.Action.STAFF_DOWNLOAD,
            target=attachment.original_name,
            ticket=attachment.message.ticket.number,
        )
    inline = attachment.is_image and request.GET.get("inline") == "1"
    # An object store may hand the bytes out itself (STORAGE_URL's download=redirect),
    # through a link that works for seconds and sets the same type and disposition.
    signed = None
    if settings.ATTACHMENTS_DOWNLOAD == "redirect":
        signed = signed_download_url(
            attachment.file.storage,
            attachment.file.name or "",
            filename=attachment.original_name,
            content_type=attachment.content_type,
            as_attachment=not inline,
            seconds=settings.ATTACHMENTS_PRESIGN_SECONDS,
        )
    response: HttpResponseBase
    if signed:
        response = HttpResponseRedirect(signed)
        response["Referrer-Policy"] = "no-referrer"
    else:
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
