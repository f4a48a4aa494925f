"""The requests (tickets) endpoints. Each validates with the web's own form and calls the
web's use case: the API adds no rule of its own, only another way in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile as NinjaUploadedFile

from portal.api.errors import FormInvalid, form_errors
from portal.api.forms import RequestFilterForm
from portal.api.schemas import (
    AssignmentIn,
    ClassificationIn,
    ErrorOut,
    FollowersIn,
    MessageOut,
    PersonOut,
    ProposalAnswerIn,
    ProposalIn,
    ProposalOut,
    StatusIn,
    TicketDetailOut,
    TicketPage,
    message_out,
    person,
    proposal_out,
    ticket_detail_out,
    ticket_out,
)
from portal.api.selectors import messages_of, ticket_page
from portal.lib.http import AuthenticatedHttpRequest
from portal.tickets import views as ticket_pages
from portal.tickets.deadlines import deadline_proposal_answer, deadline_propose, pending_proposal
from portal.tickets.followers import (
    colleagues_of,
    follower_candidates,
    followers_of,
    ticket_add_followers,
    ticket_follow,
    ticket_remove_follower,
    ticket_unfollow,
)
from portal.tickets.forms import AnswerForm, FollowersForm, NewTicketForm, ServiceAnswersForm
from portal.tickets.models import Ticket
from portal.tickets.selectors import get_ticket_for_user
from portal.tickets.service_fields import answers_of, fields_by_service
from portal.tickets.services import (
    ticket_answer,
    ticket_assign,
    ticket_change_status,
    ticket_classify,
    ticket_open,
)
from portal.workspace.forms import (
    AssignForm,
    ClassificationForm,
    ProposalForm,
    StaffAnswerForm,
    StatusForm,
)

router = Router(tags=["requests"])
ERRORS: dict[int | frozenset[int], Any] = {frozenset({400, 401, 403, 404, 429}): ErrorOut}


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise FormInvalid(form_errors(form))
    return form.cleaned_data


def _staff(request: AuthenticatedHttpRequest) -> None:
    if not request.user.is_agency_staff:
        raise PermissionDenied


def _detail(request: AuthenticatedHttpRequest, ticket: Ticket) -> dict[str, Any]:
    return ticket_detail_out(
        ticket,
        answers=list(answers_of(ticket)),
        followers=followers_of(ticket),
        proposal=pending_proposal(ticket),
    )


class TicketFilters(Schema):
    status: str | None = None
    department: int | None = None
    service: int | None = None
    priority: int | None = None
    company: int | None = None
    assignee: str | None = None
    overdue: bool | None = None
    q: str | None = None
    cursor: str | None = None
    limit: int | None = None


@router.get("/requests", response={200: TicketPage, **ERRORS}, summary="List requests")
def list_requests(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The requests the key's user sees (ATENDIMENTO for a client, the queue for the team),
    newest first, filtered like the pages: `status`, `department`, `service`, `priority`,
    `company`, `assignee` (`me`, `none` or an id), `overdue`, `q` (search). Pass the
    `next` value back as `cursor` for the following page (`limit` up to 100)."""
    filters = _valid(RequestFilterForm(request.GET))
    rows, following = ticket_page(request.user, filters)
    return {
        "results": [ticket_out(t) for t in rows],
        "next": str(following) if following else None,
    }


# Documented for the schema; the values are read by the web's forms from request.POST.
class OpenRequestIn(Schema):
    subject: str
    department: int
    service: int
    priority: int
    body: str
    deadline: str
    followers: list[int] = []
    submission_key: str = ""


@router.post("/requests", response={201: TicketDetailOut, **ERRORS}, summary="Open a request")
def open_request(
    request: AuthenticatedHttpRequest,
    payload: Form[OpenRequestIn],
    files: File[list[NinjaUploadedFile]] | None = None,
) -> Reply:
    """NOVA SOLICITAÇÃO (client keys only), as multipart/form-data: the same fields and
    checks as the page. `deadline` is dd/mm/yyyy or yyyy-mm-dd; files go under `files`
    (same limits as the page); a service's own fields go as `field_<id>`. Sending the same
    `submission_key` again gives back the request it opened instead of a second one."""
    data = request.POST.copy()
    data["submission"] = data.get("submission_key", "")
    data.setlist("fields_for", [data.get("service", "")])  # the service's fields are asked
    uploads = _uploads(request)
    form = NewTicketForm(data, uploads, colleagues=colleagues_of(request.user))
    answers_form = ServiceAnswersForm(data, fields_by_service=fields_by_service())
    valid = [form.is_valid(), answers_form.is_valid()]
    if not all(valid):
        raise FormInvalid({**form_errors(form), **form_errors(answers_form)})
    ticket = ticket_open(
        author=request.user, answers=answers_form.answers(), **form.ticket_fields()
    )
    return Reply(201, _detail(request, get_ticket_for_user(request.user, ticket.number)))


def _uploads(request: AuthenticatedHttpRequest) -> QueryDict:
    """The files under `files` as the web's forms expect them (`attachments`)."""
    uploads = QueryDict(mutable=True)
    chosen: list[UploadedFile] = request.FILES.getlist("files")
    uploads.setlist("attachments", chosen)  # type: ignore[arg-type]  # files, as in request.FILES
    return uploads


@router.get("/requests/{number}", response={200: TicketDetailOut, **ERRORS}, summary="A request")
def request_detail(request: AuthenticatedHttpRequest, number: int) -> dict[str, Any]:
    return _detail(request, get_ticket_for_user(request.user, number))


@router.get(
    "/requests/{number}/messages", response={200: list[MessageOut], **ERRORS}, summary="Messages"
)
def list_messages(request: AuthenticatedHttpRequest, number: int) -> list[dict[str, Any]]:
    """The conversation, oldest first, with files; internal notes only for the team."""
    ticket = get_ticket_for_user(request.user, number)
    return [message_out(m) for m in messages_of(request.user, ticket)]


class MessageIn(Schema):
    body: str
    internal: bool = False


@router.post(
    "/requests/{number}/messages", response={201: MessageOut, **ERRORS}, summary="Add a message"
)
def add_message(
    request: AuthenticatedHttpRequest,
    number: int,
    payload: Form[MessageIn],
    files: File[list[NinjaUploadedFile]] | None = None,
) -> Reply:
    """Adicionar Resposta, as multipart/form-data with `body` and `files`; the team may
    send `internal=true` for a note the client never sees."""
    ticket = get_ticket_for_user(request.user, number)
    form_class = StaffAnswerForm if request.user.is_agency_staff else AnswerForm
    cleaned = _valid(form_class(request.POST, _uploads(request)))
    message = ticket_answer(
        ticket=ticket,
        author=request.user,
        body=cleaned["body"],
        files=cleaned["attachments"],
        internal=cleaned.get("internal", False),
    )
    return Reply(201, message_out(messages_of(request.user, ticket).get(pk=message.pk)))


@router.post(
    "/requests/{number}/status", response={200: TicketDetailOut, **ERRORS}, summary="Change status"
)
def change_status(
    request: AuthenticatedHttpRequest, number: int, payload: StatusIn
) -> dict[str, Any]:
    """The team moves a request as the lifecycle allows; `seen` (optional) is the status
    the program last saw, so a change made meanwhile by someone else is not overwritten."""
    _staff(request)
    ticket = get_ticket_for_user(request.user, number)
    cleaned = _valid(StatusForm({"status": payload.status, "seen": payload.seen or ""}))
    ticket_change_status(
        ticket=ticket, actor=request.user, status=cleaned["status"], seen=cleaned["seen"] or None
    )
    return _detail(request, get_ticket_for_user(request.user, number))


@router.post(
    "/requests/{number}/assignment", response={200: TicketDetailOut, **ERRORS}, summary="Assign"
)
def assign(request: AuthenticatedHttpRequest, number: int, payload: AssignmentIn) -> dict[str, Any]:
    """Who attends the request (a team member's id), or nobody (`null`)."""
    _staff(request)
    ticket = get_ticket_for_user(request.user, number)
    cleaned = _valid(AssignForm({"assignee": payload.assignee or ""}))
    ticket_assign(ticket=ticket, actor=request.user, assignee=cleaned["assignee"])
    return _detail(request, get_ticket_for_user(request.user, number))


@router.post(
    "/requests/{number}/classification",
    response={200: TicketDetailOut, **ERRORS},
    summary="Correct department, service and priority",
)
def classify(
    request: AuthenticatedHttpRequest, number: int, payload: ClassificationIn
) -> dict[str, Any]:
    _staff(request)
    ticket = get_ticket_for_user(request.user, number)
    cleaned = _valid(ClassificationForm(payload.model_dump()))
    ticket_classify(ticket=ticket, actor=request.user, **cleaned)
    return _detail(request, get_ticket_for_user(request.user, number))


@router.post(
    "/requests/{number}/deadline-proposals",
    response={201: ProposalOut, **ERRORS},
    summary="Propose a new deadline",
)
def propose_deadline(request: AuthenticatedHttpRequest, number: int, payload: ProposalIn) -> Reply:
    """Propor novo prazo (team): `deadline` as dd/mm/yyyy or yyyy-mm-dd, and the reason
    the client reads. The client accepts or refuses it."""
    _staff(request)
    ticket = get_ticket_for_user(request.user, number)
    cleaned = _valid(ProposalForm(payload.model_dump()))
    proposal = deadline_propose(
        ticket=ticket, actor=request.user, deadline=cleaned["deadline"], reason=cleaned["reason"]
    )
    return Reply(201, proposal_out(proposal))


@router.post(
    "/requests/{number}/deadline-proposals/pending/answer",
    response={200: TicketDetailOut, **ERRORS},
    summary="Accept or refuse the proposed deadline",
)
def answer_deadline(
    request: AuthenticatedHttpRequest, number: int, payload: ProposalAnswerIn
) -> dict[str, Any]:
    """Aceitar novo prazo (`accept: true`) or Recusar with a `comment` (client keys)."""
    ticket = get_ticket_for_user(request.user, number)
    proposal = pending_proposal(ticket)
    if proposal is None:
        raise FormInvalid({"__all__": [_("This proposal was already answered or replaced.")]})
    deadline_proposal_answer(
        proposal=proposal, actor=request.user, accept=payload.accept, comment=payload.comment
    )
    return _detail(request, get_ticket_for_user(request.user, number))


@router.get(
    "/requests/{number}/followers", response={200: list[PersonOut], **ERRORS}, summary="Followers"
)
def list_followers(request: AuthenticatedHttpRequest, number: int) -> list[dict[str, Any]]:
    ticket = get_ticket_for_user(request.user, number)
    return [person(user) for user in followers_of(ticket)]


@router.post(
    "/requests/{number}/followers",
    response={200: list[PersonOut], **ERRORS},
    summary="Add followers",
)
def add_followers(
    request: AuthenticatedHttpRequest, number: int, payload: FollowersIn
) -> list[dict[str, Any]]:
    """Seguidores: `users` are ids of people who may follow (colleagues of the company;
    for the team, also team members). Your own id alone: you follow it (Seguir)."""
    ticket = get_ticket_for_user(request.user, number)
    if payload.users == [request.user.pk]:
        ticket_follow(ticket=ticket, actor=request.user)
    else:
        candidates = follower_candidates(ticket, request.user)
        cleaned = _valid(FollowersForm({"followers": payload.users}, candidates=candidates))
        ticket_add_followers(ticket=ticket, actor=request.user, people=cleaned["followers"])
    return [person(user) for user in followers_of(ticket)]


@router.delete(
    "/requests/{number}/followers/{user_id}",
    response={200: list[PersonOut], **ERRORS},
    summary="Remove a follower",
)
def remove_follower(
    request: AuthenticatedHttpRequest, number: int, user_id: int
) -> list[dict[str, Any]]:
    """Your own id: Deixar de seguir. Someone else's: the team only."""
    ticket = get_ticket_for_user(request.user, number)
    if user_id == request.user.pk:
        ticket_unfollow(ticket=ticket, actor=request.user)
    else:
        follower = next((u for u in followers_of(ticket) if u.pk == user_id), None)
        if follower is None:
            raise FormInvalid({"user_id": [_("This person does not follow the request.")]})
        ticket_remove_follower(ticket=ticket, actor=request.user, person=follower)
    return [person(user) for user in followers_of(ticket)]


@router.get(
    "/attachments/{attachment_id}",
    response={404: ErrorOut, 401: ErrorOut, 429: ErrorOut},
    url_name="attachment",
    openapi_extra={"responses": {"200": {"description": "The file, as a download"}}},
    summary="Download a file",
)
def download_attachment(request: AuthenticatedHttpRequest, attachment_id: int) -> HttpResponseBase:
    """The file, through the very view the pages use: the same access check (another
    company's file is a 404), the same download headers, the same audit of staff."""
    return ticket_pages.attachment_download(request, attachment_id=attachment_id, filename="")
