"""Who hears about what happened to a ticket.

The ticket use cases call these inside their transaction, after the change is saved,
so the e-mails they queue commit or roll back with it. Each function decides the
recipients and queues one e-mail per recipient; none of them changes the ticket.

The matrix (tests/tickets/test_notify_matrix.py checks every cell):

=====================  ===============  ===================  ====================
event                  client contacts  assignee             the rest of the team
=====================  ===============  ===================  ====================
opened                 involved (receipt attending staff: assignee, else the
                       to the author)   department's members, else everyone
team's answer          involved         -                    -
client's answer        -                attending staff
status, class., meet-  involved         when a colleague     -
ing proposed                            did it
assigned / removed     involved         the new one ("Você   -
                                        foi designado"), the
                                        previous one
assigned in turn       -                the new one          -
deadline proposed      involved         when a colleague     -
proposal answered      involved others, attending staff
                       if accepted
deadline passed        involved         -  (the commitment warnings tell the team)
meeting confirmed      the one who      the assignee, else   -
                       chose (invite)   who proposed (invite)
other times asked      -                attending staff
meeting cancelled      involved /       invitees             -
                       invitees
close reminder,        involved         the assignee         -
closed by itself                        (closed only)
reopened, confirmed    involved others  attending staff
=====================  ===============  ===================  ====================

"Involved" client contacts are the ones a request concerns: who opened it, who
follows it (Seguidores), who wrote on it, and the colleagues who chose to hear about
"Todas as solicitações da empresa" in their preferences (off for new contacts); each
only if they may see it (a contact narrowed to their own requests hears only about
those). A colleague who never touched a request hears nothing of it.

Nobody hears about their own action, except the opening's receipt and the meeting
invitation (it carries the calendar entry). Nobody gets a kind of e-mail they turned
off (queue_email sees to that). Internal notes are never news for anyone. E-mails
about one request that follow each other within EMAIL_COALESCE_SECONDS reach each
person as one e-mail (notifications/coalesce.py); in the portal each event stays a
notification of its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.lib.text import Phrase
from portal.notifications.centre import post_notification
from portal.notifications.emails import queue_email
from portal.notifications.models import CompanyWideNews
from portal.tickets.models import (
    DeadlineProposal,
    Follower,
    Meeting,
    Message,
    Status,
    Ticket,
    seen_by_contact,
)


def client_recipients(ticket: Ticket, *, actor: User | None) -> list[User]:
    """The contacts ``ticket`` concerns, minus ``actor``: who opened it, follows it,
    wrote on it, or chose to hear about every request of the company; each an active
    contact of an active company who may see it, by the rule of
    ``Ticket.objects.visible_to`` (a contact narrowed to their own tickets hears only
    about the ones they opened or follow)."""
    sees_it = Ticket.objects.filter(pk=ticket.pk).filter(
        seen_by_contact(
            company=OuterRef("company_id"),
            contact=OuterRef("pk"),
            narrowed=OuterRef("sees_own_requests_only"),
        )
    )
    contacts = (
        User.objects.contacts()
        .active()
        .filter(company_id=ticket.company_id, company__is_active=True)
    )
    involved = (
        Q(pk=ticket.opened_by_id)
        | Q(Exists(Follower.objects.filter(ticket=ticket, user_id=OuterRef("pk"))))
        | Q(
            Exists(
                Message.objects.filter(ticket=ticket, author_id=OuterRef("pk"), is_internal=False)
            )
        )
        | Q(Exists(CompanyWideNews.objects.filter(user_id=OuterRef("pk"))))
    )
    contacts = contacts.filter(Exists(sees_it)).filter(involved)
    if actor is not None:
        contacts = contacts.exclude(pk=actor.pk)
    return list(contacts.order_by("pk"))


def _attending_staff(ticket: Ticket) -> QuerySet[User]:
    staff = User.objects.staff().active()
    if ticket.assignee_id is not None and staff.filter(pk=ticket.assignee_id).exists():
        return staff.filter(pk=ticket.assignee_id)
    members = staff.filter(departments=ticket.department_id)
    # A department nobody was put in still needs someone to hear about it.
    return members if members.exists() else staff


def _following_staff(ticket: Ticket) -> QuerySet[User]:
    return User.objects.staff().active().filter(following__ticket=ticket)


def staff_recipients(ticket: Ticket, *, actor: User | None) -> list[User]:
    """Who on the team hears about ``ticket`` (who attends it, and the team members
    who follow it), minus ``actor``."""
    staff = _attending_staff(ticket) | _following_staff(ticket)
    if actor is not None:
        staff = staff.exclude(pk=actor.pk)
    return list(staff.distinct().order_by("pk"))


def _assignee(ticket: Ticket, *, actor: User | None) -> list[User]:
    """The agent attending ``ticket`` (when there is one, active) and the team members
    who follow it, minus ``actor``: a colleague's change to it is news for them."""
    people = {person.pk: person for person in _following_staff(ticket)}
    assignee = ticket.assignee
    if assignee is not None and assignee.is_active:
        people[assignee.pk] = assignee
    if actor is not None:
        people.pop(actor.pk, None)
    return [people[pk] for pk in sorted(people)]


def ticket_url(ticket: Ticket, anchor: str = "") -> str:
    url = f"{settings.PORTAL_BASE_URL}{reverse('tickets:detail', args=[ticket.number])}"
    return f"{url}#{anchor}" if anchor else url


@dataclass(frozen=True)
class News:
    """One piece of news for the generic e-mail (emails/request-news-*): a few words for
    the subject, a sentence, maybe a quote (a reason, a comment, notes) and what to do."""

    headline: Phrase
    lead: Phrase
    quote: str = ""
    quote_label: Phrase | None = None
    call: Phrase | None = None
    button: Phrase | None = None


def _send(
    kind: str,
    recipients: list[User],
    ticket: Ticket,
    *,
    sender: User | None = None,
    news: News | None = None,
    anchor: str = "",
    calendar: str = "",
    action: Phrase | Promise | None = None,
    **context: Any,
) -> None:
    context = {
        "ticket": ticket,
        "ticket_url": ticket_url(ticket, anchor),
        "preferences_url": f"{settings.PORTAL_BASE_URL}{reverse('notifications:preferences')}",
        "actor": sender,
        "news": news,
        **context,
    }
    sender_name = sender.name if sender is not None else ""
    template = "request-news" if news is not None else None
    path = reverse("tickets:detail", args=[ticket.number]) + (f"#{anchor}" if anchor else "")
    for recipient in recipients:
        queue_email(
            kind,
            to=recipient,
            context=context,
            ticket=ticket,
            sender_name=sender_name,
            template=template,
            calendar=calendar,
            # What the sender did, after their name, for a combined e-mail's lead.
            action=action if sender is not None else None,
        )
        post_notification(
            kind, to=recipient, url=path, context=context, ticket=ticket, template=template
        )


def _message_context(message: Message) -> dict[str, Any]:
    return {"message": message, "attachments": list(message.attachments.all())}


def _actor_name(actor: User | None) -> str:
    return actor.name if actor is not None else str(_("The system"))


def ticket_opened(ticket: Ticket) -> None:
    """A client opened ``ticket`` (its first message is already saved)."""
    author = ticket.opened_by
    first = ticket.messages.order_by("created_at", "pk").first()
    context = _message_context(first) if first is not None else {}
    contacts = client_recipients(ticket, actor=None)
    # The author gets the confirmation with the number (the one e-mail about
    # one's own action: it is the receipt); colleagues learn who opened it.
    receipt = [contact for contact in contacts if contact.pk == author.pk]
    _send("request-opened", receipt, ticket, **context)
    others = [contact for contact in contacts if contact.pk != author.pk]
    _send("request-opened", others, ticket, sender=author, **context)
    staff = staff_recipients(ticket, actor=author)
    _send("staff-new-request", staff, ticket, sender=author, **context)


def message_added(message: Message) -> None:
    """Someone added ``message`` to a ticket's conversation (maybe an internal note)."""
    if message.is_internal:
        return
    ticket, author = message.ticket, message.author
    if author.is_agency_staff:
        contacts = client_recipients(ticket, actor=author)
        _send(
            "request-answer",
            contacts,
            ticket,
            sender=author,
            action=_("answered"),
            **_message_context(message),
        )
    else:
        staff = staff_recipients(ticket, actor=author)
        _send(
            "staff-client-answer",
            staff,
            ticket,
            sender=author,
            action=_("answered"),
            **_message_context(message),
        )


def _status_label(status: str) -> str | Promise:
    # Lazy: each e-mail puts it into words in its recipient's language.
    return Status(status).label if status in Status.values else status


def status_changed(ticket: Ticket, *, actor: User | None, previous: str) -> None:
    """``ticket.status`` changed from ``previous``; ``actor`` is None for the system."""
    # Concluded is the one status that asks something of the client: it has
    # an e-mail of its own (confirm or answer), instead of the plain change.
    kind = "request-done" if ticket.status == Status.DONE else "request-status"
    contacts = client_recipients(ticket, actor=actor)
    _send(
        kind,
        contacts,
        ticket,
        sender=actor,
        action=Phrase(_("marked it as %(status)s"), status=Status(ticket.status).label),
        previous_status=_status_label(previous),
        auto_close_days=settings.REQUEST_AUTO_CLOSE_DAYS,
    )
    _tell_assignee(
        ticket,
        actor,
        Phrase(_("status: %(status)s"), status=Status(ticket.status).label),
        Phrase(
            _("%(name)s changed the status of #%(number)s from %(old)s to %(new)s."),
            name=_actor_name(actor),
            number=ticket.number,
            old=_status_label(previous),
            new=Status(ticket.status).label,
        ),
    )


def _tell_assignee(
    ticket: Ticket, actor: User | None, headline: Phrase, lead: Phrase, quote: str = ""
) -> None:
    """A colleague changed something on the ticket the assignee attends (a client's own
    moves reach the team with her answer instead)."""
    if actor is not None and not actor.is_agency_staff:
        return
    news = News(headline=headline, lead=lead, quote=quote)
    _send("staff-request-changed", _assignee(ticket, actor=actor), ticket, news=news, sender=actor)


def classified(ticket: Ticket, *, actor: User, changes: dict[str, dict[str, str]]) -> None:
    """Staff changed the department, service or priority of ``ticket``."""
    summary = "; ".join(f"{change['from']} → {change['to']}" for change in changes.values())
    lead = Phrase(
        _("%(name)s changed the classification of request #%(number)s: %(changes)s."),
        name=actor.name,
        number=ticket.number,
        changes=summary,
    )
    news = News(headline=Phrase(_("classification changed")), lead=lead)
    _send("request-classified", client_recipients(ticket, actor=actor), ticket, news=news)
    _tell_assignee(ticket, actor, news.headline, lead)


def deadline_changed(ticket: Ticket, *, actor: User, previous: datetime.date, reason: str) -> None:
    """The Prazo of ``ticket`` moved from ``previous`` (``actor`` accepted a proposal)."""
    contacts = client_recipients(ticket, actor=actor)
    _send(
        "request-deadline",
        contacts,
        ticket,
        sender=actor,
        action=_("accepted a new deadline"),
        previous_deadline=previous,
        reason=reason,
    )


def assigned(ticket: Ticket, *, actor: User, previous: User | None) -> None:
    """``ticket.assignee`` changed (it may be None: nobody attends it now)."""
    contacts = client_recipients(ticket, actor=actor)
    if ticket.assignee is not None:
        _send(
            "request-assigned",
            contacts,
            ticket,
            sender=actor,
            action=Phrase(_("assigned it to %(name)s"), name=ticket.assignee.name),
        )
        if ticket.assignee != actor and ticket.assignee.is_active:
            news = News(
                headline=Phrase(_("assigned to you")),
                lead=Phrase(
                    _("You were assigned to #%(number)s by %(name)s."),
                    number=ticket.number,
                    name=actor.name,
                ),
            )
            _send("staff-assigned", [ticket.assignee], ticket, news=news, sender=actor)
    else:
        news = News(
            headline=Phrase(_("back in the team's queue")),
            lead=Phrase(
                _(
                    "Your request #%(number)s is back in the team's queue; we will tell you "
                    "who attends it."
                ),
                number=ticket.number,
            ),
        )
        _send(
            "request-assigned",
            contacts,
            ticket,
            news=news,
            sender=actor,
            action=_("put it back in the team's queue"),
        )
    if previous is not None and previous != actor and previous.is_active:
        news = News(
            headline=Phrase(_("no longer assigned to you")),
            lead=Phrase(
                _("%(name)s took #%(number)s off your requests."),
                name=actor.name,
                number=ticket.number,
            ),
        )
        _send("staff-assigned", [previous], ticket, news=news, sender=actor)


def assigned_in_turn(ticket: Ticket) -> None:
    """The department's round-robin gave the new ``ticket`` to ``ticket.assignee``
    (portal/tickets/rotation.py); the client hears of the opening only."""
    news = News(
        headline=Phrase(_("assigned to you")),
        lead=Phrase(
            _("You were assigned to #%(number)s in turn, among the agents of %(department)s."),
            number=ticket.number,
            department=ticket.department.name,
        ),
    )
    if ticket.assignee is not None:
        _send("staff-assigned", [ticket.assignee], ticket, news=news)


def deadline_proposed(proposal: DeadlineProposal) -> None:
    """The team proposes a new Prazo: the client answers on the request page."""
    ticket, actor = proposal.ticket, proposal.proposed_by
    news = News(
        headline=Phrase(_("new deadline proposed: %(date)s"), date=proposal.deadline),
        lead=Phrase(
            _(
                "The team proposes a new deadline for your request #%(number)s: %(new)s "
                "instead of %(old)s."
            ),
            number=ticket.number,
            new=proposal.deadline,
            old=proposal.previous_deadline,
        ),
        quote=proposal.reason,
        quote_label=Phrase(_("Reason")),
        call=Phrase(_("Please accept the new deadline or refuse it on the request's page.")),
        button=Phrase(_("Answer the proposal")),
    )
    contacts = client_recipients(ticket, actor=actor)
    _send(
        "request-deadline",
        contacts,
        ticket,
        news=news,
        sender=actor,
        anchor="proposal",
        action=_("proposed a new deadline"),
    )
    _tell_assignee(ticket, actor, news.headline, news.lead, proposal.reason)


def proposal_answered(proposal: DeadlineProposal) -> None:
    """The client accepted or refused a proposed Prazo."""
    ticket, actor = proposal.ticket, proposal.answered_by
    accepted = proposal.state == DeadlineProposal.State.ACCEPTED
    if accepted:
        headline = Phrase(_("new deadline accepted: %(date)s"), date=proposal.deadline)
        lead = Phrase(
            _("%(name)s accepted the new deadline of #%(number)s: %(date)s."),
            name=_actor_name(actor),
            number=ticket.number,
            date=proposal.deadline,
        )
    else:
        headline = Phrase(_("new deadline refused"))
        lead = Phrase(
            _(
                "%(name)s refused the new deadline proposed for #%(number)s (%(date)s); "
                "the deadline stays %(current)s."
            ),
            name=_actor_name(actor),
            number=ticket.number,
            date=proposal.deadline,
            current=ticket.deadline,
        )
    news = News(
        headline=headline, lead=lead, quote=proposal.comment, quote_label=Phrase(_("Comment"))
    )
    _send("staff-deadline-answer", staff_recipients(ticket, actor=actor), ticket, news=news)
    if accepted and actor is not None:
        deadline_changed(
            ticket, actor=actor, previous=proposal.previous_deadline, reason=proposal.reason
        )


def overdue(ticket: Ticket) -> None:
    """The Prazo passed with no new date agreed: the client is told, by the system."""
    news = News(
        headline=Phrase(_("deadline passed")),
        lead=Phrase(
            _(
                "Deadline passed: the deadline of your request #%(number)s was %(date)s. "
                "Our team will tell you a new date."
            ),
            number=ticket.number,
            date=ticket.deadline,
        ),
    )
    _send("request-overdue", client_recipients(ticket, actor=None), ticket, news=news)


def _slots_text(meeting: Meeting) -> str:
    return "\n".join(
        str(
            Phrase(
                _("%(start)s (%(minutes)s min)"),
                start=slot.starts_at,
                minutes=slot.duration_minutes,
            )
        )
        for slot in meeting.slots.all()
    )


def meeting_proposed(meeting: Meeting) -> None:
    ticket, actor = meeting.ticket, meeting.proposed_by
    news = News(
        headline=Phrase(_("meeting proposed")),
        lead=Phrase(
            _(
                "Your request #%(number)s needs a meeting to go on. Choose one of the "
                "times below on the request's page."
            ),
            number=ticket.number,
        ),
        quote="\n".join(filter(None, [_slots_text(meeting), meeting.place, meeting.note])),
        quote_label=Phrase(_("Proposed times")),
        button=Phrase(_("Choose a time")),
    )
    contacts = client_recipients(ticket, actor=actor)
    _send(
        "request-meeting",
        contacts,
        ticket,
        news=news,
        sender=actor,
        anchor="meeting",
        action=_("proposed a meeting"),
    )
    _tell_assignee(ticket, actor, news.headline, news.lead, news.quote)


def meeting_invitation(meeting: Meeting, *, invitees: list[User], calendar: str) -> None:
    """The calendar invitation (or its update) for everyone in ``invitees``."""
    ticket = meeting.ticket
    news = News(
        headline=Phrase(_("meeting on %(start)s"), start=meeting.starts_at),
        lead=Phrase(
            _(
                "The meeting about request #%(number)s is confirmed for %(start)s "
                "(%(minutes)s min)."
            ),
            number=ticket.number,
            start=meeting.starts_at,
            minutes=meeting.duration_minutes,
        ),
        quote="\n".join(filter(None, [meeting.place, meeting.note])),
        quote_label=Phrase(_("Where")),
    )
    for person in invitees:
        kind = "staff-meeting" if person.is_agency_staff else "request-meeting"
        _send(kind, [person], ticket, news=news, anchor="meeting", calendar=calendar)


def meeting_cancelled(
    meeting: Meeting, *, actor: User, invitees: list[User], calendar: str
) -> None:
    ticket = meeting.ticket
    news = News(
        headline=Phrase(_("meeting cancelled")),
        lead=Phrase(
            _("The meeting about request #%(number)s was cancelled by %(name)s."),
            number=ticket.number,
            name=actor.name,
        ),
    )
    invited = {person.pk for person in invitees}
    for person in invitees:
        if person != actor:
            kind = "staff-meeting" if person.is_agency_staff else "request-meeting"
            _send(kind, [person], ticket, news=news, sender=actor, calendar=calendar)
    # Contacts who were offered times but never got an invitation hear it too.
    others = [c for c in client_recipients(ticket, actor=actor) if c.pk not in invited]
    _send("request-meeting", others, ticket, news=news, sender=actor)


def meeting_other_times(meeting: Meeting, *, actor: User, message: Message) -> None:
    news = News(
        headline=Phrase(_("other meeting times asked")),
        lead=Phrase(
            _("%(name)s asks for other meeting times for #%(number)s:"),
            name=actor.name,
            number=meeting.ticket.number,
        ),
    )
    staff = staff_recipients(meeting.ticket, actor=actor)
    _send(
        "staff-meeting", staff, meeting.ticket, news=news, sender=actor, **_message_context(message)
    )


def meeting_held(meeting: Meeting, *, actor: User) -> None:
    ticket = meeting.ticket
    news = News(
        headline=Phrase(_("meeting notes")),
        lead=Phrase(
            _("%(name)s recorded the notes of the meeting about #%(number)s."),
            name=actor.name,
            number=ticket.number,
        ),
        quote=meeting.minutes,
        quote_label=Phrase(_("Meeting notes")),
    )
    _send(
        "request-meeting",
        client_recipients(ticket, actor=actor),
        ticket,
        news=news,
        sender=actor,
        action=_("recorded the meeting's notes"),
    )


def close_reminder(ticket: Ticket, *, closes_at: datetime.datetime) -> None:
    news = News(
        headline=Phrase(_("closes tomorrow")),
        lead=Phrase(
            _(
                "Your request #%(number)s was concluded and waits for your confirmation. "
                "Without an answer it closes by itself on %(when)s."
            ),
            number=ticket.number,
            when=closes_at,
        ),
        call=Phrase(_("Confirm it, or write your corrections, on the request's page.")),
    )
    _send("request-closing", client_recipients(ticket, actor=None), ticket, news=news)


def closed_by_itself(ticket: Ticket) -> None:
    lead = Phrase(
        _(
            "Request #%(number)s closed by itself: it was concluded %(days)s days ago and not "
            "confirmed. For %(reopen)s days it can be reopened from its page."
        ),
        number=ticket.number,
        days=settings.REQUEST_AUTO_CLOSE_DAYS,
        reopen=settings.REQUEST_REOPEN_DAYS,
    )
    news = News(headline=Phrase(_("closed")), lead=lead)
    _send("request-closing", client_recipients(ticket, actor=None), ticket, news=news)
    _send("staff-closed", _assignee(ticket, actor=None), ticket, news=news)


def reopened(ticket: Ticket, *, actor: User, message: Message) -> None:
    news = News(
        headline=Phrase(_("reopened")),
        lead=Phrase(
            _("%(name)s reopened request #%(number)s:"), name=actor.name, number=ticket.number
        ),
    )
    context = _message_context(message)
    _send(
        "staff-reopened",
        staff_recipients(ticket, actor=actor),
        ticket,
        news=news,
        sender=actor,
        **context,
    )
    _send(
        "request-reopened",
        client_recipients(ticket, actor=actor),
        ticket,
        news=news,
        sender=actor,
        action=_("reopened it"),
        **context,
    )


def confirmed(ticket: Ticket, *, actor: User) -> None:
    """The client confirmed the concluded ticket; it is closed."""
    staff = staff_recipients(ticket, actor=actor)
    _send("staff-client-confirmed", staff, ticket, sender=actor)
    news = News(
        headline=Phrase(_("confirmed and closed")),
        lead=Phrase(
            _("%(name)s confirmed that request #%(number)s is done; it is closed."),
            name=actor.name,
            number=ticket.number,
        ),
    )
    _send(
        "request-confirmed",
        client_recipients(ticket, actor=actor),
        ticket,
        news=news,
        sender=actor,
        action=_("confirmed it"),
    )


def answer_refused(ticket: Ticket, *, recipient: User, reason: str) -> None:
    """An answer ``recipient`` e-mailed to ``ticket`` was not added; tell them why.

    Only for a sender the intake authenticated who may see the ticket: strangers
    and forged senders get no answer, so the address cannot be used to bounce
    mail at third parties. ``reason`` is ours alone: nothing of the e-mail that
    arrived (its subject, text or file names) is quoted back.
    """
    _send("answer-refused", [recipient], ticket, reason=reason)


def merged(source: Ticket, target: Ticket, *, actor: User) -> None:
    """Staff merged ``source`` into ``target`` (portal/tickets/merging.py), whose followers
    now include the source's people: the contacts of both requests hear it about the
    target, where the conversation goes on (an answer to this e-mail lands there), and so
    do the agents attending either and the team's followers."""
    news = News(
        headline=Phrase(_("request #%(number)s merged into this one"), number=source.number),
        lead=Phrase(
            _(
                "%(name)s merged request #%(source)s (%(subject)s) into #%(target)s: its "
                "messages, files and followers are here now, and the conversation goes on here."
            ),
            name=actor.name,
            source=source.number,
            subject=source.subject,
            target=target.number,
        ),
    )
    _send(
        "request-status",
        client_recipients(target, actor=actor),
        target,
        news=news,
        sender=actor,
        action=Phrase(_("merged #%(number)s into it"), number=source.number),
    )
    staff = {person.pk: person for person in _assignee(source, actor=actor)}
    staff.update((person.pk, person) for person in _assignee(target, actor=actor))
    _send(
        "staff-request-changed",
        [staff[pk] for pk in sorted(staff)],
        target,
        news=news,
        sender=actor,
    )
