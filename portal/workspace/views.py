"""The staff workspace: the queue and the ticket page with its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.forms import staff_members
from portal.commitments.selectors import open_clocks
from portal.lib.access import staff_required
from portal.lib.forms import add_use_case_errors, posted
from portal.lib.http import AuthenticatedHttpRequest
from portal.lib.pagination import CountedPaginator
from portal.tickets.deadlines import deadline_propose, pending_proposal
from portal.tickets.drafts import draft_of, draft_save
from portal.tickets.forms import followers_card
from portal.tickets.meetings import (
    current_meeting,
    meeting_cancel,
    meeting_propose,
    meeting_record_notes,
)
from portal.tickets.merged_pages import lead_to_target
from portal.tickets.models import Status, Ticket, status_tabs
from portal.tickets.news import last_visit, ticket_mark_seen
from portal.tickets.search import mark_page
from portal.tickets.selectors import ticket_timeline
from portal.tickets.service_fields import answers_of
from portal.tickets.services import (
    ticket_assign,
    ticket_change_status,
    ticket_classify,
    ticket_respond,
)
from portal.workspace.bulk import bulk_update
from portal.workspace.forms import (
    AssignForm,
    BulkForm,
    CannedReplyForm,
    ClassificationForm,
    MeetingForm,
    MeetingNotesForm,
    ProposalForm,
    QueueFilterForm,
    StaffAnswerForm,
    StatusForm,
)
from portal.workspace.models import CannedReply
from portal.workspace.placeholders import fill_placeholders
from portal.workspace.presence import PRESENCE_BEAT_SECONDS, left, viewing
from portal.workspace.selectors import (
    UNFINISHED,
    canned_replies_for,
    changes_since,
    company_suggestions,
    done_by_others_after,
    queue,
    queue_status_counts,
    quick_views,
    timeline_version,
)
from portal.workspace.services import (
    can_edit_canned_reply,
    canned_reply_delete,
    canned_reply_save,
)


@staff_required
@require_GET
def queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = QueueFilterForm.from_url(request.GET)
    filters = form.filters()
    counts = queue_status_counts(request.user, filters)
    unfinished = sum(counts.values()) - counts[Status.DONE]
    status = filters.get("status", "")
    shown = (
        unfinished if status == UNFINISHED else counts[status] if status else sum(counts.values())
    )
    paginator = CountedPaginator(
        queue(request.user, filters), settings.REQUESTS_PER_PAGE, count=shown
    )
    page = paginator.get_page(request.GET.get("page"))
    if "q" in filters:
        mark_page(page.object_list, filters["q"], internal=True)
    tabs = status_tabs(counts)
    return render(
        request,
        "workspace/queue.html",
        {
            "form": form,
            "page": page,
            "tabs": tabs,
            "total": sum(counts.values()),
            "unfinished": unfinished,
            "status": status,
            "quick_views": quick_views(request.user, filters),
            "bulk_form": BulkForm(staff=form.staff),
            "query": request.GET.urlencode(),
            "active_filters": len(set(filters) - {"status", "sort", "q"}),
        },
    )


@staff_required
@require_GET
def company_suggestions_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The queue's company filter asks as one types (companies.js)."""
    text = request.GET.get("q", "")[:100]
    return JsonResponse({"companies": company_suggestions(text) if text.strip() else []})


@staff_required
@require_POST
def bulk_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Em lote: the same change to the rows chosen in the queue, or to every row of its
    filter; each request through the use cases, the ones that cannot change named."""
    form = BulkForm(request.POST)
    query = request.POST.get("query", "")[:2000]
    back = redirect(f"{reverse('workspace:queue')}?{query}" if query else "workspace:queue")
    if not form.is_valid():
        for error in form.non_field_errors() or [_("Nothing was changed.")]:
            messages.error(request, str(error))
        return back
    if form.cleaned_data["whole_filter"]:
        filters = QueueFilterForm.from_url(QueryDict(query)).filters()
        tickets = queue(request.user, filters)
    else:
        tickets = Ticket.objects.filter(number__in=form.cleaned_data["numbers"])
    chosen = list(tickets.select_related(None)[: settings.BULK_MAX_REQUESTS + 1])
    if len(chosen) > settings.BULK_MAX_REQUESTS:
        messages.error(
            request,
            _("Choose at most %(max)s requests at once: narrow the filter.")
            % {"max": settings.BULK_MAX_REQUESTS},
        )
        return back
    people = {person.pk: person for person in staff_members()}
    change_assignee, assignee = form.assignee_change(people)
    follower = form.chosen_follower(people)
    result = bulk_update(
        actor=request.user,
        tickets=chosen,
        status=form.cleaned_data.get("status") or None,
        change_assignee=change_assignee,
        assignee=assignee,
        followers=[follower] if follower else [],
    )
    if result.changed:
        count = len(result.changed)
        changed = ngettext("%(count)s request changed.", "%(count)s requests changed.", count)
        messages.success(request, changed % {"count": count})
    for number, reason in result.refused:
        messages.warning(request, _("#%(number)s was not changed: %(reason)s") % {
            "number": number, "reason": reason,
        })  # fmt: skip
    return back


def _get_ticket(number: int) -> Ticket:
    return get_object_or_404(
        Ticket.objects.select_related(
            "company", "department", "service", "priority", "assignee", "opened_by"
        ),
        number=number,
    )


def _render_ticket(
    request: AuthenticatedHttpRequest, ticket: Ticket, *, status: int = 200, **forms
):
    timeline = forms.get("extra", {}).get("timeline") or ticket_timeline(request.user, ticket)
    canned_id = request.GET.get("resposta")
    replies = [
        {
            "id": reply.pk,
            "title": reply.title,
            "shared": reply.is_shared,
            "body": fill_placeholders(reply.body, ticket=ticket, agent=request.user),
        }
        for reply in canned_replies_for(request.user)
    ]
    answer_initial: dict = {}
    if "answer_form" not in forms and (draft := draft_of(request.user, ticket)):
        answer_initial = {"body": draft.body, "internal": draft.internal}
    if canned_id and canned_id.isdigit():
        # Without the script, Inserir reloads the page with the reply in the composer.
        chosen = next((r for r in replies if r["id"] == int(canned_id)), None)
        if chosen:
            answer_initial = {"body": chosen["body"]}
    context = {
        "ticket": ticket,
        "field_answers": answers_of(ticket),
        "timeline": timeline,
        "answer_form": forms.get("answer_form")
        or StaffAnswerForm(
            ticket=ticket, initial=answer_initial, version=timeline_version(timeline)
        ),
        "failed_form": forms.get("failed_form"),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"assignee": ticket.assignee}),
        "status_form": forms.get("status_form")
        or StatusForm(initial={"status": ticket.status, "seen": ticket.status}, ticket=ticket),
        "proposal_form": forms.get("proposal_form")
        or ProposalForm(initial={"deadline": ticket.deadline}),
        "meeting_form": forms.get("meeting_form") or MeetingForm(),
        "notes_form": forms.get("notes_form") or MeetingNotesForm(),
        "proposal": pending_proposal(ticket),
        "meeting": current_meeting(ticket),
        "clocks": open_clocks(ticket),
        **followers_card(request.user, ticket),
        "classification_form": forms.get("classification_form")
        or ClassificationForm(
            initial={
                "department": ticket.department,
                "service": ticket.service,
                "priority": ticket.priority,
            }
        ),
        "canned_replies": replies,
        "presence_every": PRESENCE_BEAT_SECONDS,
        **forms.get("extra", {}),
    }
    return render(request, "workspace/ticket.html", context, status=status)


@staff_required
@require_GET
def ticket_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = _get_ticket(number)
    if ticket.is_merged:  # Mesclar: its work goes on in the other request
        return lead_to_target(request, ticket, "workspace:ticket")
    since = last_visit(request.user, ticket)
    changes = changes_since(ticket, request.user, since)
    others = viewing(ticket=ticket, user=request.user)
    extra = {"changes": changes, "since": since, "presence": presence_text(others)}
    response = _render_ticket(request, ticket, extra=extra)
    ticket_mark_seen(user=request.user, ticket=ticket)
    return response


def _act(
    request: AuthenticatedHttpRequest,
    number: int,
    form_class,
    form_name: str,
    action: Callable[[Ticket, Any], str | None],
    success: str,
    *,
    whole_form: bool = False,
) -> HttpResponse:
    """Validate one form of the ticket page, run its use case, come back.

    The action gets the cleaned data, or the form itself with ``whole_form``."""
    ticket = _get_ticket(number)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            anchor = action(ticket, form if whole_form else form.cleaned_data)
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            messages.success(request, success)
            ticket_mark_seen(user=request.user, ticket=ticket)
            page = reverse("workspace:ticket", args=[number])
            return redirect(f"{page}#{anchor}" if anchor else page)
    return _render_ticket(request, ticket, status=400, **{form_name: form, "failed_form": form})


@staff_required
@require_POST
def answer_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The composer: answer or note, status and person attending, in one submit. What
    others did since the page was drawn is shown first, and applied only once confirmed."""
    ticket = _get_ticket(number)
    form = StaffAnswerForm(request.POST, request.FILES)
    if form.is_valid():
        meanwhile = (
            []
            if form.cleaned_data["confirmed"]
            else done_by_others_after(ticket, request.user, form.cleaned_data["seen_version"])
        )
        if meanwhile:
            timeline = ticket_timeline(request.user, ticket)
            form = StaffAnswerForm.rebased(form, ticket, timeline_version(timeline))
            extra = {"meanwhile": meanwhile, "timeline": timeline}
            return _render_ticket(request, ticket, status=409, answer_form=form, extra=extra)
        changes = form.changes()
        if "take" in request.POST:
            changes["assignee"] = request.user
            changes["seen_assignee_id"] = form.seen_assignee_id()
        try:
            message = ticket_respond(ticket=ticket, actor=request.user, **changes)
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            messages.success(request, _("Message added.") if message else _("Changes saved."))
            ticket_mark_seen(user=request.user, ticket=ticket)
            page = reverse("workspace:ticket", args=[number])
            # The page lands on the message just sent.
            return redirect(f"{page}#m{message.pk}" if message else page)
    return _render_ticket(request, ticket, status=400, answer_form=form, failed_form=form)


def presence_text(others: list[str]) -> str:
    if not others:
        return ""
    names = ", ".join(others)
    return ngettext(
        "%(names)s is also viewing this request", "%(names)s are also viewing this request",
        len(others),
    ) % {"names": names}  # fmt: skip


@staff_required
@require_POST
def presence_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """The page's heartbeat (presence.js): who else has it open, and whether others
    wrote or changed something since the page was drawn."""
    ticket = _get_ticket(number)
    if request.POST.get("leave"):
        left(ticket=ticket, user=request.user)
        return JsonResponse({})
    others = viewing(ticket=ticket, user=request.user)
    news = done_by_others_after(ticket, request.user, request.POST.get("version", ""))
    return JsonResponse(
        {
            "others": others,
            "text": presence_text(others),
            "news": _("There is something new on this request: reload the page to see it.")
            if news
            else "",
        }
    )


@staff_required
@require_POST
def draft_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    """Keep what the agent is typing in the composer (drafts.js posts it)."""
    ticket = _get_ticket(number)
    if ticket.is_closed:
        raise Http404
    draft_save(
        user=request.user,
        ticket=ticket,
        body=request.POST.get("body", ""),
        internal=request.POST.get("internal") == "on",
    )
    return JsonResponse({"saved_at": timezone.localtime().strftime("%H:%M")})


@staff_required
@require_POST
def assign_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def action(ticket: Ticket, data: dict) -> None:
        assignee = request.user if "take" in request.POST else data["assignee"]
        ticket_assign(ticket=ticket, actor=request.user, assignee=assignee)

    return _act(request, number, AssignForm, "assign_form", action, _("Assignment saved."))


@staff_required
@require_POST
def status_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def action(ticket: Ticket, data: dict) -> None:
        ticket_change_status(
            ticket=ticket, actor=request.user, status=data["status"], seen=data["seen"] or None
        )

    return _act(request, number, StatusForm, "status_form", action, _("Status saved."))


@staff_required
@require_POST
def proposal_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def action(ticket: Ticket, data: dict) -> None:
        deadline_propose(
            ticket=ticket, actor=request.user, deadline=data["deadline"], reason=data["reason"]
        )

    success = _("New deadline proposed; the client is asked to accept it.")
    return _act(request, number, ProposalForm, "proposal_form", action, success)


@staff_required
@require_POST
def meeting_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def action(ticket: Ticket, data: dict) -> None:
        meeting_propose(
            ticket=ticket,
            actor=request.user,
            slots=data["slots"],
            place=data["place"],
            note=data["note"],
        )

    success = _("Meeting proposed; the request is in STAND BY until it happens.")
    return _act(request, number, MeetingForm, "meeting_form", action, success)


def _current_meeting_or_404(ticket: Ticket):
    meeting = current_meeting(ticket)
    if meeting is None:
        raise Http404
    return meeting


@staff_required
@require_POST
def meeting_cancel_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    ticket = _get_ticket(number)
    try:
        meeting_cancel(meeting=_current_meeting_or_404(ticket), actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Meeting cancelled; whoever was invited is told."))
    return redirect("workspace:ticket", number=number)


@staff_required
@require_POST
def meeting_notes_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def action(ticket: Ticket, data: dict) -> None:
        meeting = _current_meeting_or_404(ticket)
        meeting_record_notes(meeting=meeting, actor=request.user, minutes=data["minutes"])

    success = _("Meeting notes recorded. Move the request on when you are ready.")
    return _act(request, number, MeetingNotesForm, "notes_form", action, success)


@staff_required
@require_POST
def classify_view(request: AuthenticatedHttpRequest, number: int) -> HttpResponse:
    def action(ticket: Ticket, data: dict) -> None:
        ticket_classify(ticket=ticket, actor=request.user, **data)

    success = _("Classification saved.")
    return _act(request, number, ClassificationForm, "classification_form", action, success)


@staff_required
@require_http_methods(["GET", "POST"])
def canned_reply_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CannedReplyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        canned_reply_save(author=request.user, **form.cleaned_data)
        messages.success(request, _("Canned reply saved."))
        return redirect("workspace:canned_replies")
    replies = [
        (reply, can_edit_canned_reply(request.user, reply))
        for reply in canned_replies_for(request.user)
    ]
    return render(request, "workspace/canned_replies.html", {"replies": replies, "form": form})


def _editable_reply(request: AuthenticatedHttpRequest, reply_id: int) -> CannedReply:
    reply = get_object_or_404(canned_replies_for(request.user), pk=reply_id)
    if not can_edit_canned_reply(request.user, reply):
        raise Http404
    return reply


@staff_required
@require_http_methods(["GET", "POST"])
def canned_reply_edit(request: AuthenticatedHttpRequest, reply_id: int) -> HttpResponse:
    reply = _editable_reply(request, reply_id)
    form = CannedReplyForm(posted(request), instance=reply)
    if request.method == "POST" and form.is_valid():
        canned_reply_save(author=request.user, reply=reply, **form.cleaned_data)
        messages.success(request, _("Canned reply saved."))
        return redirect("workspace:canned_replies")
    return render(request, "workspace/canned_reply_edit.html", {"form": form, "reply": reply})


@staff_required
@require_POST
def canned_reply_remove(request: AuthenticatedHttpRequest, reply_id: int) -> HttpResponse:
    canned_reply_delete(user=request.user, reply=_editable_reply(request, reply_id))
    messages.success(request, _("Canned reply deleted."))
    return redirect("workspace:canned_replies")
