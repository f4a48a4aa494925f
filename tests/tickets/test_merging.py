"""Mesclar (portal/tickets/merging.py): a request merged into another of the same company
hands it its conversation, history and followers, is closed for good with its number
kept, and both clients are told."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.commitments.models import Clock
from portal.tickets.deadlines import deadline_propose
from portal.tickets.followers import ticket_add_followers, ticket_follow
from portal.tickets.meetings import Slot, meeting_propose
from portal.tickets.merging import ticket_merge
from portal.tickets.models import (
    Attachment,
    DeadlineProposal,
    Event,
    Follower,
    Meeting,
    Message,
    Status,
    Ticket,
)
from portal.tickets.services import (
    ticket_answer,
    ticket_assign,
    ticket_change_status,
    ticket_confirm,
    ticket_reopen,
)
from portal.tickets.uploads import check_file
from tests.support.factories import AgentFactory, ContactFactory, open_ticket, propose_meeting
from tests.support.files import pdf_upload
from tests.support.mail import text_and_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def carla(db):
    return AgentFactory(email="carla@zweiarts.test", name="Carla Agente")


@pytest.fixture
def source(contact_a, agent, catalog):
    ticket = open_ticket(contact_a, subject="Banner da promoção", files=[check_file(pdf_upload())])
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    ticket_answer(ticket=ticket, author=agent, body="Estamos vendo o banner.")
    return ticket


@pytest.fixture
def target(john, carla, catalog):
    ticket = open_ticket(john, subject="Campanha de verão")
    ticket_assign(ticket=ticket, actor=carla, assignee=carla)
    return ticket


def merge(source, target, actor):
    ticket_merge(source=source, target=target, actor=actor)
    source.refresh_from_db()
    target.refresh_from_db()


# --- What moves


def test_messages_files_and_history_move_to_the_target(source, target, admin_user):
    source_messages = set(Message.objects.filter(ticket=source).values_list("pk", flat=True))
    source_events = set(Event.objects.filter(ticket=source).values_list("pk", flat=True))
    merge(source, target, admin_user)
    moved = set(Message.objects.filter(ticket=target).values_list("pk", flat=True))
    assert source_messages < moved and not Message.objects.filter(ticket=source).exists()
    assert Attachment.objects.get().message.ticket == target  # the file went with its message
    assert source_events < set(Event.objects.filter(ticket=target).values_list("pk", flat=True))
    # The source keeps one event: where it went; the target says what came in.
    left = Event.objects.get(ticket=source)
    assert (left.kind, left.data, left.actor) == (
        Event.Kind.MERGED,
        {"into": target.number},
        admin_user,
    )
    came = Event.objects.filter(ticket=target).order_by("pk").last()
    assert came.kind == Event.Kind.MERGED_IN
    assert came.data == {"from": source.number, "subject": "Banner da promoção"}
    # What each side last wrote carries over: the team answered on the source.
    assert target.last_team_message_at == source.last_team_message_at is not None


def test_followers_and_the_opener_follow_the_target_once(
    source, target, contact_a, john, nara, agent, admin_user
):
    ticket_add_followers(ticket=source, actor=contact_a, people=[nara])
    ticket_follow(ticket=source, actor=john)  # the target's opener: no need to follow it
    ticket_follow(ticket=source, actor=agent)
    ticket_follow(ticket=target, actor=agent)  # already following the target
    merge(source, target, admin_user)
    followers = Follower.objects.filter(ticket=target).values_list("user__name", flat=True)
    assert sorted(followers) == sorted([contact_a.name, nara.name, agent.name])
    # Copied, not taken away: Nara, who sees only what she follows, still reaches the
    # source's old link (and is led to the target).
    assert Ticket.objects.visible_to(nara).filter(pk=source.pk).exists()
    assert Ticket.objects.visible_to(nara).filter(pk=target.pk).exists()


def test_the_source_is_closed_with_its_number_kept_and_never_reused(
    source, target, contact_a, admin_user
):
    number = source.number
    merge(source, target, admin_user)
    assert source.number == number and source.merged_into == target and source.is_merged
    assert source.status == Status.DONE and source.is_closed
    # Closed, but not concluded: the reports count no delivery for it.
    assert source.concluded_at is None
    assert not source.may_reopen()
    assert open_ticket(contact_a).number == max(source.number, target.number) + 1
    assert not target.is_closed and target.status == Status.IN_PROGRESS


def test_the_source_clocks_are_cancelled_and_the_target_keeps_its_own(source, target, admin_user):
    target_clocks = dict(Clock.objects.filter(ticket=target).values_list("pk", "state"))
    merge(source, target, admin_user)
    states = set(Clock.objects.filter(ticket=source).values_list("state", flat=True))
    # The first response was kept (the team answered); delivery is called off.
    assert states == {Clock.State.MET, Clock.State.CANCELLED}
    assert not Clock.objects.filter(ticket=source, state=Clock.State.RUNNING).exists()
    assert dict(Clock.objects.filter(ticket=target).values_list("pk", "state")) == target_clocks


def test_a_meeting_being_arranged_is_cancelled_and_a_proposed_deadline_withdrawn(
    contact_a, agent, target, admin_user, outbox, catalog
):
    with_meeting = open_ticket(contact_a, subject="Reunião de pauta")
    propose_meeting(with_meeting, agent=agent)
    with_proposal = open_ticket(contact_a, subject="Novo prazo")
    deadline_propose(
        ticket=with_proposal,
        actor=agent,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        reason="Mais fotos.",
    )
    merge(with_meeting, target, admin_user)
    merge(with_proposal, target, admin_user)
    assert Meeting.objects.get().state == Meeting.State.CANCELLED
    assert DeadlineProposal.objects.get().state == DeadlineProposal.State.WITHDRAWN
    # The cancellation is in the history the target took over.
    assert Event.objects.filter(ticket=target, kind=Event.Kind.MEETING_CANCELLED).exists()


def test_it_is_audited(source, target, admin_user):
    merge(source, target, admin_user)
    entry = AuditEntry.objects.get(target=f"#{source.number}", actor=admin_user)
    assert entry.action == AuditEntry.Action.STATUS_CHANGED
    assert entry.detail == {"from": "in_progress", "to": "done", "merged_into": str(target.number)}


def test_requests_merged_into_the_source_before_lead_straight_to_the_target(
    source, target, contact_a, admin_user
):
    earlier = open_ticket(contact_a, subject="Outro banner")
    merge(earlier, source, admin_user)
    merge(source, target, admin_user)
    earlier.refresh_from_db()
    assert earlier.merged_into == target


def test_a_closed_source_may_be_merged_and_keeps_its_closing(
    source, target, contact_a, agent, admin_user
):
    ticket_change_status(ticket=source, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=source, actor=contact_a)
    source.refresh_from_db()
    closed_at = source.closed_at
    merge(source, target, admin_user)
    assert source.closed_at == closed_at and source.merged_into == target


# --- Who is told


def test_both_clients_and_the_team_attending_either_are_told_about_the_target(
    source, target, contact_a, john, nara, contact_b, agent, carla, admin_user, outbox
):
    ticket_add_followers(ticket=source, actor=contact_a, people=[nara])
    outbox.clear()
    merge(source, target, admin_user)
    by_address = {message.to[0]: message for message in outbox}
    # Ana opened the source, John the target, Nara followed the source (and now the
    # target); Bruno attended the source, Carla the target; Marina is another company's
    # and Helena merged it.
    assert sorted(by_address) == [
        "ana@acme.test",
        "bruno@zweiarts.test",
        "carla@zweiarts.test",
        "john@acme.test",
        "nara@acme.test",
    ]
    ana = by_address["ana@acme.test"]
    assert ana.subject == (
        f"[#{target.number}] Solicitação #{source.number} mesclada nesta — Campanha de verão"
    )
    text, html = text_and_html(ana)
    lead = (
        f"Helena Admin mesclou a solicitação #{source.number} (Banner da promoção) na "
        f"#{target.number}"
    )
    assert lead in text and lead in html
    assert f"/atendimento/{target.number}/" in text
    # John reads English.
    assert by_address["john@acme.test"].subject.startswith(
        f"[#{target.number}] Request #{source.number} merged into this one"
    )


# --- What is refused


def test_only_staff_merge(source, target, contact_a):
    with pytest.raises(PermissionDenied):
        ticket_merge(source=source, target=target, actor=contact_a)
    assert Ticket.objects.filter(merged_into__isnull=False).count() == 0


def test_only_into_an_open_request_of_the_same_company_and_never_itself(
    source, target, contact_b, agent, admin_user, catalog
):
    elsewhere = open_ticket(contact_b, subject="Boreal")
    with pytest.raises(ValidationError) as same_company:
        ticket_merge(source=source, target=elsewhere, actor=admin_user)
    assert same_company.value.message_dict == {
        "target": ["Escolha uma solicitação da mesma empresa."]
    }
    with pytest.raises(ValidationError) as itself:
        ticket_merge(source=source, target=source, actor=admin_user)
    assert "target" in itself.value.message_dict
    ticket_change_status(ticket=target, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=target, actor=target.opened_by)
    target.refresh_from_db()
    with pytest.raises(ValidationError) as closed:
        ticket_merge(source=source, target=target, actor=admin_user)
    assert "target" in closed.value.message_dict
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()
    assert Message.objects.filter(ticket=source).exists()


def test_a_merged_request_can_no_longer_be_changed(
    source, target, contact_a, agent, carla, admin_user
):
    merge(source, target, admin_user)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    slot = Slot(timezone.now() + datetime.timedelta(days=2), 60)
    changes = [
        lambda: ticket_answer(ticket=source, author=contact_a, body="Mais uma coisa"),
        lambda: ticket_answer(ticket=source, author=agent, body="Resposta"),
        lambda: ticket_change_status(ticket=source, actor=agent, status=Status.IN_PROGRESS),
        lambda: ticket_assign(ticket=source, actor=agent, assignee=carla),
        lambda: deadline_propose(ticket=source, actor=agent, deadline=tomorrow, reason="x"),
        lambda: meeting_propose(ticket=source, actor=agent, slots=[slot], place="Sala"),
        lambda: ticket_reopen(ticket=source, actor=contact_a, body="Reabrir"),
        lambda: ticket_merge(source=source, target=target, actor=admin_user),
    ]
    for change in changes:
        with pytest.raises(ValidationError):
            change()
    source.refresh_from_db()
    assert (source.status, source.assignee, source.merged_into) == (Status.DONE, agent, target)
    assert list(Event.objects.filter(ticket=source).values_list("kind", flat=True)) == ["merged"]
    assert not Message.objects.filter(ticket=source).exists()


def test_the_target_cannot_be_merged_back_into_a_merged_source(source, target, admin_user):
    merge(source, target, admin_user)
    with pytest.raises(ValidationError):
        ticket_merge(source=target, target=source, actor=admin_user)
    target.refresh_from_db()
    assert target.merged_into is None and not target.is_closed


@pytest.mark.django_db(transaction=True)
def test_two_merges_crossing_at_once_end_with_exactly_one(contact_a, admin_user, catalog):
    # On PostgreSQL the threads really race (make test-postgres): both rows are locked in
    # the same order whichever way the merge goes, so the second waits for the first and
    # then finds it done, instead of a deadlock error.
    one = open_ticket(contact_a, subject="Um")
    two = open_ticket(contact_a, subject="Dois")
    other = ContactFactory(company=contact_a.company, email="olga@acme.test")
    ticket_follow(ticket=two, actor=other)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def merge_at_once(source_pk: int, target_pk: int) -> None:
        try:
            source, target = Ticket.objects.get(pk=source_pk), Ticket.objects.get(pk=target_pk)
            barrier.wait()
            ticket_merge(source=source, target=target, actor=admin_user)
            outcomes.append("merged")
        except ValidationError:
            outcomes.append("refused")
        except BaseException as error:  # reported below, not swallowed
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=merge_at_once, args=(one.pk, two.pk)),
        threading.Thread(target=merge_at_once, args=(two.pk, one.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["merged", "refused"]
    merged = Ticket.objects.filter(merged_into__isnull=False)
    assert merged.count() == 1
    survivor = Ticket.objects.get(merged_into__isnull=True)
    assert not survivor.is_closed
    assert Message.objects.filter(ticket=survivor).count() == 2
    assert Event.objects.filter(kind=Event.Kind.MERGED).count() == 1
