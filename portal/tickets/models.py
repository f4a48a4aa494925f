from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.commitments.calendar import end_of_day
from portal.companies.models import Company
from portal.tickets.counts import remembered


class CatalogEntry(models.Model):
    """Reference data that admins manage: shown in choice lists by position."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Department(CatalogEntry):
    """Departamento: Atendimento or Financeiro by default."""

    # The agents who take this department's new tickets.
    members = models.ManyToManyField(
        "accounts.User",
        blank=True,
        related_name="departments",
        verbose_name=_("agents"),
        limit_choices_to={"role__in": ["agent", "admin"]},
    )
    # Rodízio: each new request goes to the next agent in turn (portal/tickets/rotation.py);
    # ``last_in_turn`` is who got the last one, so the turn survives restarts and servers.
    round_robin = models.BooleanField(_("distribute new requests in turn"), default=False)
    last_in_turn = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(CatalogEntry.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="department_name_ci_unique",
                violation_error_message=_("This name is already in use."),
            )
        ]


class Service(CatalogEntry):
    """Serviços: Redes Sociais, Atualização / Website, Design Gráfico, …"""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="service_name_ci_unique",
                violation_error_message=_("This name is already in use."),
            )
        ]


class Priority(CatalogEntry):
    """Prioridade: the higher the position, the more urgent."""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="priority_name_ci_unique",
                violation_error_message=_("This name is already in use."),
            )
        ]


class Status(models.TextChoices):
    """The five statuses of the guide, in the order a ticket lives them."""

    OPEN = "open", _("OPEN")
    IN_PROGRESS = "in_progress", _("IN PROGRESS")
    WAITING_CLIENT = "waiting_client", _("AWAITING REPLY")
    STAND_BY = "stand_by", _("STAND BY")
    DONE = "done", _("DONE")


# What each status means, in the guide's words (its pt-BR translations are the guide's
# sentences): shown with every status name, on hover and in a legend.
STATUS_MEANINGS = {
    Status.OPEN: _("Your request was opened and awaits the team's answer."),
    Status.IN_PROGRESS: _("Your request is being carried out by the team."),
    Status.WAITING_CLIENT: _("Waiting for your answer and confirmation of what you asked for."),
    Status.STAND_BY: _("When a meeting is needed to carry the request forward."),
    Status.DONE: _("Your request was concluded successfully!"),
}


def status_meaning(status: str) -> str:
    try:
        return str(STATUS_MEANINGS[Status(status)])  # in the language of the page
    except ValueError:
        return ""


@dataclass(frozen=True)
class StatusTab:
    """One status in a list's filters: its value, name, meaning and how many there are."""

    value: str
    label: str
    meaning: str
    count: int


def status_tabs(counts: dict[str, int]) -> list[StatusTab]:
    return [
        StatusTab(value, str(label), status_meaning(value), counts.get(value, 0))
        for value, label in Status.choices
    ]


class Mover(models.TextChoices):
    """Who, or what, moves a ticket from one status to another."""

    STAFF = "staff"  # an agent or admin choosing a status by hand
    STAFF_WORK = "staff_work"  # staff taking it, being assigned it, or answering the client
    MEETING = "meeting"  # staff proposing a meeting
    CLIENT_REPLY = "client_reply"  # a client's answer (on the page or by e-mail)
    CLIENT_REOPEN = "client_reopen"  # a client reopening a closed (encerrada) ticket


# The lifecycle: which status may follow which, and who makes each move. Every use
# case asks ``check_move`` and nothing else. Staff choose among EM ANDAMENTO, AGUARDANDO
# RETORNO and CONCLUÍDA (a concluded ticket goes back in progress when they find more
# to do); STAND BY only comes with a meeting proposal; nobody chooses ABERTA. A ticket
# leaves ABERTA as soon as the team takes it, is assigned it or answers the client. A
# client's answer to a ticket that waits for them, or to a concluded one (corrections),
# resumes the work. "Encerrada" is not a status but a concluded ticket the client
# confirmed or that closed by itself: only ``Mover.CLIENT_REOPEN`` moves it again.
TRANSITIONS: dict[Mover, dict[Status, frozenset[Status]]] = {
    Mover.STAFF: {
        Status.OPEN: frozenset({Status.IN_PROGRESS, Status.WAITING_CLIENT, Status.DONE}),
        Status.IN_PROGRESS: frozenset({Status.WAITING_CLIENT, Status.DONE}),
        Status.WAITING_CLIENT: frozenset({Status.IN_PROGRESS, Status.DONE}),
        Status.STAND_BY: frozenset({Status.IN_PROGRESS, Status.WAITING_CLIENT, Status.DONE}),
        Status.DONE: frozenset({Status.IN_PROGRESS}),
    },
    Mover.STAFF_WORK: {Status.OPEN: frozenset({Status.IN_PROGRESS})},
    Mover.MEETING: {
        status: frozenset({Status.STAND_BY})
        for status in (Status.OPEN, Status.IN_PROGRESS, Status.WAITING_CLIENT)
    },
    Mover.CLIENT_REPLY: {
        Status.WAITING_CLIENT: frozenset({Status.IN_PROGRESS}),
        Status.DONE: frozenset({Status.IN_PROGRESS}),
    },
    Mover.CLIENT_REOPEN: {Status.DONE: frozenset({Status.IN_PROGRESS})},
}


def staff_choosable() -> frozenset[Status]:
    """Every status an agent may ever choose by hand (from some status): the bulk form's."""
    return frozenset().union(*TRANSITIONS[Mover.STAFF].values())


def may_move(mover: Mover, current: str, target: str, *, closed: bool = False) -> bool:
    """Whether ``mover`` may take a ticket from ``current`` to ``target``; a closed
    ticket moves only when its client reopens it, and an open one never so."""
    if closed != (mover == Mover.CLIENT_REOPEN):
        return False
    return target in TRANSITIONS[mover].get(Status(current), frozenset())


def check_move(mover: Mover, ticket: Ticket, target: str) -> None:
    """Raise a ValidationError, in the words of the page, unless the move is allowed."""
    if may_move(mover, ticket.status, target, closed=ticket.is_closed):
        return
    if ticket.is_closed:
        raise ValidationError(_("This request is closed and can no longer be changed."))
    if target == Status.STAND_BY and mover == Mover.STAFF:
        raise ValidationError(
            {"status": _("STAND BY is for a meeting: use “Propose a meeting” to set it.")}
        )
    raise ValidationError(
        {
            "status": _("A request in %(current)s cannot move to %(target)s.")
            % {"current": Status(ticket.status).label, "target": Status(target).label}
        }
    )


def staff_targets(ticket: Ticket) -> list[tuple[str, str]]:
    """The statuses an agent may choose for ``ticket`` now, for the status form."""
    allowed: set[str] = {ticket.status}  # keeping it is no move, and the form's default
    if not ticket.is_closed:
        allowed |= TRANSITIONS[Mover.STAFF].get(Status(ticket.status), frozenset())
    return [(value, str(label)) for value, label in Status.choices if value in allowed]


def client_reply_resumes(status: str) -> bool:
    """Whether a client's answer puts a ticket in ``status`` back in progress."""
    return may_move(Mover.CLIENT_REPLY, status, Status.IN_PROGRESS)


def staff_work_starts(status: str) -> bool:
    """Whether the team taking, being assigned or answering puts ``status`` in progress."""
    return may_move(Mover.STAFF_WORK, status, Status.IN_PROGRESS)


class Counter(models.Model):
    """Named counters that hand out numbers with no duplicates, even under concurrency.

    The row is locked by the UPDATE that increments it until the transaction
    ends, so two tickets opened at once get consecutive numbers, and a rolled
    back one gives its number back.
    """

    name = models.CharField(max_length=32, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


def check_deadline(
    deadline: datetime.date, *, allow_past: bool = False, today: datetime.date | None = None
) -> None:
    """A Prazo is a day from today (or, when staff correct it, any day before) up to
    DEADLINE_MAX_YEARS ahead; raises otherwise. The forms show the message next to the
    field, and the use cases enforce it."""
    today = today or timezone.localdate()
    if deadline < today and not allow_past:
        raise ValidationError(_("The deadline cannot be in the past."), code="past")
    if deadline > latest_deadline(today):
        raise ValidationError(
            _("Choose a date within the next %(years)s years."),
            code="too_far",
            params={"years": settings.DEADLINE_MAX_YEARS},
        )


def latest_deadline(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today + timedelta(days=365 * settings.DEADLINE_MAX_YEARS)


def seen_by_contact(*, company: Any, contact: Any, narrowed: Any) -> Q:
    """The one rule of who, among a company's contacts, sees a ticket: every contact of
    the ticket's company, except that a contact narrowed to their own sees only the
    tickets they opened or follow.

    Each argument is a value (for one contact) or an ``OuterRef`` to the contact's row
    (for "which contacts see this ticket"), so both questions share this definition.
    """
    rule = Q(company_id=company)
    if narrowed is False:
        return rule
    # Inside the Follower subquery, an outer reference is one level further out.
    follower = OuterRef(contact) if isinstance(contact, OuterRef) else contact
    follows = Exists(
        Follower.objects.filter(ticket_id=OuterRef("pk"), user_id=follower).values("pk")
    )
    own = Q(opened_by_id=contact) | Q(follows)
    if narrowed is True:
        return rule & own
    return rule & (Q(Exact(narrowed, False)) | own)


class TicketQuerySet(models.QuerySet["Ticket"]):
    def visible_to(self, user: User) -> TicketQuerySet:
        """Staff see every ticket; a contact sees what ``seen_by_contact`` allows while
        their company is active (a deactivated client's contacts see nothing, on every
        path: pages, downloads, answers by e-mail)."""
        if user.is_agency_staff:
            return self.all()
        if not user.is_contact or user.company_id is None:
            return self.none()
        # Asked of the database each time, not of a company row the caller may hold.
        company_active = Exists(Company.objects.filter(pk=user.company_id, is_active=True))
        return self.filter(
            company_active,
            seen_by_contact(
                company=user.company_id,
                contact=user.pk,
                narrowed=bool(user.sees_own_requests_only),
            ),
        )

    def unfinished(self) -> TicketQuerySet:
        """Not concluded by the team (the deadline still binds them)."""
        return self.exclude(status=Status.DONE)

    def overdue(self, today: datetime.date | None = None) -> TicketQuerySet:
        """Unfinished tickets whose deadline day has passed (agency time)."""
        return self.unfinished().filter(deadline__lt=today or timezone.localdate())

    def count_by_status(self) -> dict[str, int]:
        """How many tickets of this queryset are in each status, zeros included."""
        # COUNT(*), not COUNT(id): the (…, status, …) indexes answer it alone; and with a
        # shared cache the answer is kept until a ticket changes (portal/tickets/counts.py).
        rows = self.values("status").annotate(n=Count("*")).order_by()

        def count() -> dict[str, int]:
            counts = dict.fromkeys(Status.values, 0)
            counts.update({row["status"]: row["n"] for row in rows})
            return counts

        return remembered(rows, count)


class Ticket(models.Model):
    """A client's request (the guide's solicitação, a ticket): what they asked, where it stands."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="tickets"
    )
    opened_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="opened_tickets"
    )
    subject = models.CharField(_("Subject"), max_length=200)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, verbose_name=_("Department")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, verbose_name=_("Services"))
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, verbose_name=_("Priority"))
    deadline = models.DateField(_("Deadline"))
    # The deadline the client asked for; ``deadline`` may move later, with a reason.
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    assignee = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("attended by"),
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last update"), default=timezone.now)
    concluded_at = models.DateTimeField(null=True, blank=True)
    # Set when the client confirms a concluded ticket, or when it closes by
    # itself: from then on the ticket is read-only ("encerrada").
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The NOVA SOLICITAÇÃO form's one-time key: the same form posted twice (a double
    # click, a retry after a timeout) opens one ticket.
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    # A new ticket opened from a closed one past its reopening window ("Nova solicitação
    # a partir desta") points at it.
    continues = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="continuations",
        verbose_name=_("continues"),
    )
    # Mesclar (portal/tickets/merging.py): the request this one was merged into. A merged
    # request is closed for good, keeps its number (numbers are never reused), and its
    # pages lead to this one.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("merged into"),
        editable=False,
    )
    # When the team last handed work back (AGUARDANDO RETORNO or CONCLUÍDA): from then
    # on a client's corrections start the adjustments clock, even while in progress.
    handed_back_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The Prazo whose passing the client was told about ("Prazo vencido"), once each.
    overdue_told_for = models.DateField(null=True, blank=True, editable=False)
    # The reminder that a concluded ticket closes by itself tomorrow went out.
    close_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When each side last wrote to the other (internal notes and the opening message
    # aside): a person's last visit before it makes the ticket read "Nova resposta".
    last_team_message_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_client_message_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The promise that runs out first (the earliest running clock) and which one it is,
    # kept by portal.commitments.tracking whenever a clock starts, stops, pauses or
    # moves: the queue sorts by it and counts Em risco/Estourados from one index instead
    # of reading every ticket's clocks per page. Never set by hand.
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_due_kind = models.CharField(max_length=20, blank=True, default="", editable=False)

    objects = TicketQuerySet.as_manager()

    # Not stored: portal.tickets.search.mark_page gives them to a page of search results.
    # None elsewhere: a template asking a model for a missing attribute pays a dir() of it.
    search_subject: SafeString | None = None
    search_snippet: SafeString | None = None

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-last_activity_at"]
        # One index per filter of the lists, ending in their order (latest activity
        # first, then the newest): a page is read in order, and counting a filter's
        # tickets per status reads the index alone.
        indexes = [
            models.Index(fields=["-last_activity_at", "-id"], name="request_recent"),
            models.Index(
                fields=["company", "-last_activity_at", "-id"], name="request_company_recent"
            ),
            models.Index(
                fields=["company", "status", "-last_activity_at", "-id"],
                name="request_company_status_recent",
            ),
            models.Index(
                fields=["status", "-last_activity_at", "-id"], name="request_status_recent"
            ),
            models.Index(
                fields=["department", "status", "-last_activity_at"],
                name="request_dept_status_recent",
            ),
            models.Index(
                fields=["service", "status", "-last_activity_at"],
                name="request_service_status_recent",
            ),
            models.Index(
                fields=["priority", "status", "-last_activity_at"],
                name="request_priority_status_recent",
            ),
            models.Index(
                fields=["assignee", "status", "-last_activity_at"],
                name="request_assignee_status_recent",
            ),
            # "Overdue only" and the deadline sort look at unfinished tickets alone.
            models.Index(
                fields=["deadline"], condition=~Q(status="done"), name="request_open_deadline"
            ),
            models.Index(fields=["status", "concluded_at"], name="request_status_concluded"),
            # The queue as it opens (unfinished, the promise due first) and its Em risco
            # and Estourados counts (a range of next_due_at). The status rides along so
            # the counts read the index alone: SQLite cannot tell that a bound "done"
            # is the index's own condition, and would read every row to check it.
            models.Index(
                fields=["next_due_at", "deadline", "id", "status"],
                condition=~Q(status="done"),
                name="request_open_next_due_status",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["opened_by", "submission_key"],
                condition=~Q(submission_key=""),
                name="ticket_submitted_once",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_closed(self) -> bool:
        """Closed (encerrada) tickets accept no more answers."""
        return self.closed_at is not None

    @property
    def is_overdue(self) -> bool:
        """The deadline day passed (agency time) and the team has not concluded it;
        the same rule as ``TicketQuerySet.overdue``."""
        return self.status != Status.DONE and self.deadline < timezone.localdate()

    def set_next_due(self, due_at: datetime.datetime | None, kind: str) -> None:
        """Called by the commitments tracking when the first running clock changed."""
        self.next_due_at, self.next_due_kind = due_at, kind
        Ticket.objects.filter(pk=self.pk).update(next_due_at=due_at, next_due_kind=kind)

    def delivery_due(self) -> datetime.datetime:
        """The Prazo is a day: delivery is due by its end, in the agency's time zone."""
        return end_of_day(self.deadline)

    def awaits_confirmation(self) -> bool:
        """The team concluded it and the client has not confirmed or answered yet."""
        return self.status == Status.DONE and not self.is_closed

    def reopen_until(self) -> datetime.datetime | None:
        """Until when the client may reopen this closed ticket (None if it is not closed)."""
        if self.closed_at is None:
            return None
        return self.closed_at + timedelta(days=settings.REQUEST_REOPEN_DAYS)

    @property
    def is_merged(self) -> bool:
        """Merged into another request (Mesclar): closed, and never reopened."""
        return self.merged_into_id is not None

    def may_reopen(self, now: datetime.datetime | None = None) -> bool:
        if self.is_merged:
            return False  # its work goes on in the request it was merged into
        until = self.reopen_until()
        return until is not None and (now or timezone.now()) < until

    def auto_close_due(self) -> datetime.datetime | None:
        if not self.awaits_confirmation() or self.concluded_at is None:
            return None
        return self.concluded_at + timedelta(days=settings.REQUEST_AUTO_CLOSE_DAYS)


class Message(models.Model):
    """One contribution to a ticket's conversation."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("Message"))
    # Internal notes are for the agency team only; clients never see them.
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_request_time")]

    def __str__(self) -> str:
        return f"Message {self.pk} on #{self.ticket_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name: the client's file name is kept in the database only, so it
    # can never choose a path on disk.
    return timezone.now().strftime("attachments/%Y/%m/") + uuid.uuid4().hex


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type in INLINE_IMAGE_TYPES


INLINE_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


class Event(models.Model):
    """Something that happened to a ticket besides a message, for its timeline."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("opened")
        STATUS_CHANGED = "status_changed", _("status changed")
        ASSIGNED = "assigned", _("assigned")
        DEADLINE_CHANGED = "deadline_changed", _("deadline changed")
        CONFIRMED = "confirmed", _("confirmed")
        AUTO_CLOSED = "auto_closed", _("closed automatically")
        CLASSIFIED = "classified", _("department, service or priority changed")
        REOPENED = "reopened", _("reopened")
        OVERDUE = "overdue", _("deadline passed")
        DEADLINE_PROPOSED = "deadline_proposed", _("new deadline proposed")
        DEADLINE_ACCEPTED = "deadline_accepted", _("new deadline accepted")
        DEADLINE_REFUSED = "deadline_refused", _("new deadline refused")
        MEETING_PROPOSED = "meeting_proposed", _("meeting proposed")
        MEETING_CONFIRMED = "meeting_confirmed", _("meeting confirmed")
        MEETING_OTHER_TIMES = "meeting_other_times", _("other times asked")
        MEETING_CANCELLED = "meeting_cancelled", _("meeting cancelled")
        MEETING_HELD = "meeting_held", _("meeting held")
        MERGED = "merged", _("merged into another request")
        MERGED_IN = "merged_in", _("another request merged into it")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # What changed, e.g. {"from": "open", "to": "in_progress"}.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_request_time")]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.ticket_id}"


class DeadlineProposal(models.Model):
    """The team proposing a new Prazo (Propor novo prazo), and the client's answer.

    The Prazo moves only when the client accepts; a ticket has at most one proposal
    waiting for an answer.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the client")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("replaced by another proposal")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="proposals")
    proposed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("New deadline"))
    previous_deadline = models.DateField()
    reason = models.TextField(_("Reason"))
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    answered_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(state="pending"), name="one_pending_proposal"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.deadline} ({self.state})"


def new_meeting_uid() -> str:
    return uuid.uuid4().hex


class Meeting(models.Model):
    """What STAND BY waits for: a meeting the team proposes in one to three time slots.

    Its ``uid`` and ``sequence`` are the calendar invitation's: every invitation about
    this meeting (the first, a new time, a cancellation) names the same event.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("waiting for the client to choose a time")
        OTHER_TIMES = "other_times", _("the client asked for other times")
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")
        HELD = "held", _("held")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="meetings")
    proposed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("Place or video link"), max_length=500)
    note = models.TextField(_("Note"), blank=True, default="")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    uid = models.CharField(max_length=100, unique=True, default=new_meeting_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who received the calendar invitation: a new time or a cancellation goes to them.
    attendees = models.ManyToManyField("accounts.User", blank=True, related_name="+")
    minutes = models.TextField(_("Meeting notes"), blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(state__in=["proposed", "other_times", "confirmed"]),
                name="one_current_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"Meeting on #{self.ticket_id} ({self.state})"

    @property
    def is_current(self) -> bool:
        return self.state in (self.State.PROPOSED, self.State.OTHER_TIMES, self.State.CONFIRMED)

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.starts_at is None or self.duration_minutes is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class MeetingSlot(models.Model):
    """One time the team offers for a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.starts_at} ({self.duration_minutes} min)"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Follower(models.Model):
    """Someone who follows a ticket (Seguidores): a colleague of the client's company, or
    a member of the team. Followers hear about it like its participants, and a contact
    narrowed to their own requests sees the ones they follow."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="following")
    added_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="follower_once_per_ticket")
        ]
        indexes = [models.Index(fields=["user", "ticket"], name="follower_user_ticket")]

    def __str__(self) -> str:
        return f"{self.user_id} follows #{self.ticket_id}"


class TicketVisit(models.Model):
    """When a person last opened a ticket's page: what the other side wrote after it is
    news for them ("Nova resposta")."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="visits")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "ticket"], name="visit_once_per_ticket")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw #{self.ticket_id} at {self.seen_at}"


class Draft(models.Model):
    """What a person was writing on a ticket (an answer or a note), saved as they type, so
    it comes back after a reload or on another device; sending the message clears it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(blank=True)
    internal = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "ticket"], name="draft_once_per_ticket")
        ]

    def __str__(self) -> str:
        return f"Draft of {self.user_id} on #{self.ticket_id}"


class Rating(models.Model):
    """The client's answer to "Como foi o atendimento?" when confirming a conclusion."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="ratings")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    # Who attended it and what it was, as they were when rated: the report groups by them.
    assignee = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("How was our service?"))
    comment = models.TextField(_("Comment"), blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="rating_time")]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.score}"


# How many options a choice list of a service's field may offer.
SERVICE_FIELD_MAX_OPTIONS = 50


class ServiceField(models.Model):
    """An extra question a service asks on NOVA SOLICITAÇÃO (intake per service), e.g.
    Redes Sociais → "Rede social". Admins edit them in Configurações. Each ticket keeps a
    copy of its answers (``TicketFieldAnswer``): changing or deleting a field later never
    changes what an old request says."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        URL = "url", _("Link (URL)")
        DATE = "date", _("Date")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice list")
        YES_NO = "yes_no", _("Yes or no")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="intake_fields", verbose_name=_("service")
    )
    label = models.CharField(_("Label"), max_length=100)
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("Required"), default=False)
    help_text = models.CharField(_("Help text"), max_length=300, blank=True, default="")
    # A choice list's options, one per line; empty for the other kinds.
    choices = models.TextField(_("Options"), blank=True, default="")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("request field")
        verbose_name_plural = _("request fields")
        ordering = ["service", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                "service",
                Lower("label"),
                name="service_field_label_ci_unique",
                violation_error_message=_("This service already has a field with this label."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.label}"

    def options(self) -> list[str]:
        """A choice list's options, in order, each once (blank lines left out)."""
        lines = (" ".join(line.split()) for line in self.choices.splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def clean(self) -> None:
        if self.kind != self.Kind.CHOICE:
            return
        options = self.options()
        if len(options) < 2:
            raise ValidationError(
                {"choices": _("Give at least two options, one per line.")}, code="few_options"
            )
        if len(options) > SERVICE_FIELD_MAX_OPTIONS:
            raise ValidationError(
                {"choices": _("Give at most %(count)s options.")},
                code="many_options",
                params={"count": SERVICE_FIELD_MAX_OPTIONS},
            )
        if any(len(option) > 200 for option in options):
            raise ValidationError(
                {"choices": _("Each option has at most 200 characters.")}, code="long_option"
            )


class TicketFieldAnswer(models.Model):
    """The client's answer to one of the service's fields, copied with the field's label
    and kind as they were when the request was opened: it reads the same after the field
    is renamed, changed or deleted (``field`` is then left empty)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="field_answers")
    field = models.ForeignKey(
        ServiceField, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    label = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=ServiceField.Kind.choices)
    # The answer as text: dates as YYYY-MM-DD, numbers with a dot, yes/no as "yes"/"no".
    value = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.label}: {self.value}"

    @property
    def as_date(self) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(self.value)
        except ValueError:
            return None

    @property
    def as_number(self) -> Decimal | None:
        try:
            return Decimal(self.value)
        except InvalidOperation:
            return None

    @property
    def is_yes(self) -> bool:
        return self.value == "yes"

    @property
    def link(self) -> str | None:
        """The address to link to: only a web address, whatever the text holds."""
        return self.value if self.value.lower().startswith(("http://", "https://")) else None
