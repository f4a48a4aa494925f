"""Who gets which e-mail about a request, and who does not."""

from __future__ import annotations

import datetime

import pytest

from portal.notifications.models import CompanyWideNews
from portal.notifications.preferences import CLIENT_KINDS, preferences_save
from portal.tickets.deadlines import deadline_propose
from portal.tickets.models import Department, Status, Ticket
from portal.tickets.notify import client_recipients
from portal.tickets.services import (
    ticket_answer,
    ticket_assign,
    ticket_change_status,
    ticket_confirm,
)
from tests.support.factories import AgentFactory, ContactFactory, open_ticket
from tests.support.mail import text_and_html, to

pytestmark = pytest.mark.django_db

LINK = "https://portal.example/atendimento/1/"
CLIENT_EMAILS = {kind.key for kind in CLIENT_KINDS}


@pytest.fixture
def cast(contact_a, john, nara, contact_b, agent, admin_user):
    """Everyone, so each test sees who does *not* get an e-mail too. John and Nara chose
    to hear about all of ACME's requests (Nara still only those she may see); Ana hears
    about the ones she opened, follows or wrote on (tests/tickets/test_notify_matrix.py
    has the colleague who chose nothing)."""
    preferences_save(user=john, enabled=CLIENT_EMAILS, company_wide=True)
    preferences_save(user=nara, enabled=CLIENT_EMAILS, company_wide=True)


def test_it_confirms_the_opening_to_its_author_and_tells_colleagues_and_the_team(
    cast, contact_a, outbox
):
    open_ticket(contact_a, subject="Post de Natal", body="Queremos um post <animado>.")
    by_address = {message.to[0]: message for message in outbox}
    # Nara only sees what she opens; Marina is another company's.
    assert sorted(by_address) == [
        "ana@acme.test",
        "bruno@zweiarts.test",
        "helena@zweiarts.test",
        "john@acme.test",
    ]
    receipt = by_address["ana@acme.test"]
    assert receipt.subject == "[#1] Solicitação recebida — Post de Natal"
    text, html = text_and_html(receipt)
    assert "Recebemos a sua solicitação #1." in text
    assert "Queremos um post <animado>." in text
    assert "Queremos um post &lt;animado&gt;." in html
    assert LINK in text and f'href="{LINK}"' in html
    assert 'src="https://portal.example/static/portal/logo.png"' in html and "Zwei Arts" in html
    colleague = by_address["john@acme.test"]
    assert colleague.subject == "[#1] New request — Post de Natal"
    assert "Ana Souza opened the request #1." in text_and_html(colleague)[0]
    team = by_address["bruno@zweiarts.test"]
    assert team.subject == "[#1] Nova solicitação de ACME Alimentos — Post de Natal"


def test_the_teams_answer_reaches_the_clients_in_their_own_language(cast, contact_a, agent, outbox):
    ticket = open_ticket(contact_a, subject="Post de Natal")
    outbox.clear()
    ticket_answer(ticket=ticket, author=agent, body="Segue a versão 2 <final>.\nAbraços")
    assert to(outbox) == ["ana@acme.test", "john@acme.test"]
    pt, en = sorted(outbox, key=lambda message: message.to)
    assert pt.subject == "[#1] Nova resposta — Post de Natal"
    assert en.subject == "[#1] New answer — Post de Natal"
    text, html = text_and_html(pt)
    assert "Bruno Agente respondeu à sua solicitação #1:" in text
    assert "Segue a versão 2 <final>.\nAbraços" in text
    assert "Segue a versão 2 &lt;final&gt;.<br>Abraços" in html
    assert "Adicionar Resposta" in text and LINK in html
    text, html = text_and_html(en)
    assert "Bruno Agente answered your request #1:" in text
    assert "Open request #1" in html and LINK in text


def test_internal_notes_email_nobody(cast, contact_a, agent, outbox):
    ticket = open_ticket(contact_a)
    outbox.clear()
    ticket_answer(ticket=ticket, author=agent, body="Cliente difícil.", internal=True)
    assert outbox == []


def test_a_clients_answer_goes_to_the_team_and_never_back_to_the_client(
    cast, contact_a, agent, outbox
):
    ticket = open_ticket(contact_a, subject="Post de Natal")
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    outbox.clear()
    ticket_answer(ticket=ticket, author=contact_a, body="Aprovado!")
    answers = [message for message in outbox if "Aprovado!" in message.body]
    assert to(answers) == ["bruno@zweiarts.test", "helena@zweiarts.test"]
    assert answers[0].subject == "[#1] Resposta de Ana Souza — Post de Natal"
    # The answer put the ticket back in progress: her colleague hears of it,
    # she does not.
    [status] = [message for message in outbox if message not in answers]
    assert status.to == ["john@acme.test"]
    assert status.subject == "[#1] IN PROGRESS — Post de Natal"
    assert "changed from AWAITING REPLY to IN PROGRESS" in status.body


def test_status_proposal_and_assignment_changes(cast, contact_a, agent, outbox):
    ticket = open_ticket(contact_a, subject="Post de Natal")
    outbox.clear()
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    [pt, en] = sorted(outbox, key=lambda message: message.to)
    assert pt.subject == "[#1] AGUARDANDO RETORNO — Post de Natal"
    assert "mudou de ABERTA para AGUARDANDO RETORNO" in pt.body
    outbox.clear()

    new_deadline = ticket.deadline + datetime.timedelta(days=3)
    deadline_propose(
        ticket=ticket, actor=agent, deadline=new_deadline, reason="Aguardando as fotos <HD>."
    )
    [pt, en] = sorted(outbox, key=lambda message: message.to)
    date = new_deadline.strftime("%d/%m/%Y")
    assert pt.subject == f"[#1] Novo prazo proposto: {date} — Post de Natal"
    text, html = text_and_html(pt)
    assert "A equipe propõe um novo prazo para a sua solicitação #1" in text
    assert "Motivo:\nAguardando as fotos <HD>." in text
    assert "Aguardando as fotos &lt;HD&gt;." in html
    assert f"{LINK}#proposal" in html
    assert en.subject == f"[#1] New deadline proposed: {new_deadline:%d/%m/%Y} — Post de Natal"
    outbox.clear()

    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    assert to(outbox) == ["ana@acme.test", "john@acme.test"]
    assert outbox[0].subject == "[#1] Atendida por Bruno Agente — Post de Natal"
    assert "Bruno Agente agora está atendendo a sua solicitação #1." in outbox[0].body
    outbox.clear()
    ticket_assign(ticket=ticket, actor=agent, assignee=None)
    # The clients hear it is back in the queue; Bruno removed himself: nothing for him.
    assert to(outbox) == ["ana@acme.test", "john@acme.test"]
    assert "voltou para a fila da equipe" in outbox[0].body


def test_done_asks_the_client_to_confirm_or_answer_and_the_confirmation_reaches_the_team(
    cast, contact_a, agent, outbox
):
    ticket = open_ticket(contact_a, subject="Post de Natal")
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    outbox.clear()
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    assert to(outbox) == ["ana@acme.test", "john@acme.test"]
    done = next(message for message in outbox if message.to == ["ana@acme.test"])
    assert done.subject == "[#1] CONCLUÍDA: confirme — Post de Natal"
    text, html = text_and_html(done)
    assert "Sua solicitação foi concluída!" in text and "Confirmar ou responder" in html
    assert "em 7 dias" in text
    outbox.clear()
    ticket_confirm(ticket=ticket, actor=contact_a)
    # The assignee is the one who hears, not the whole team; and her colleague.
    assert to(outbox) == ["bruno@zweiarts.test", "john@acme.test"]
    by_address = {message.to[0]: message for message in outbox}
    assert (
        by_address["bruno@zweiarts.test"].subject == "[#1] Confirmada por Ana Souza — Post de Natal"
    )
    assert by_address["john@acme.test"].subject == "[#1] Confirmed and closed — Post de Natal"


def test_the_team_hears_through_the_department_then_the_assignee(
    cast, contact_a, agent, admin_user, outbox
):
    carla = AgentFactory(email="carla@zweiarts.test", name="Carla Agente")
    department = Department.objects.get(name="Atendimento")  # from the guide's catalogue
    department.members.add(carla)
    ticket = open_ticket(contact_a)
    assert to(m for m in outbox if "Nova solicitação de" in m.subject) == ["carla@zweiarts.test"]
    ticket_assign(ticket=ticket, actor=carla, assignee=agent)
    outbox.clear()
    ticket_answer(ticket=ticket, author=contact_a, body="Alguma novidade?")
    assert to(outbox) == ["bruno@zweiarts.test"]
    # An assignee who left falls back to the department.
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    outbox.clear()
    ticket_answer(ticket=ticket, author=contact_a, body="Olá?")
    assert to(outbox) == ["carla@zweiarts.test"]


def test_staff_get_no_email_for_their_own_action(contact_a, agent, outbox):
    ticket = open_ticket(contact_a)
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    outbox.clear()
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    ticket_confirm(ticket=ticket, actor=contact_a)
    assert to(outbox) == ["ana@acme.test", "bruno@zweiarts.test"]


def test_a_narrowed_contact_hears_only_about_her_own_tickets(cast, contact_a, nara, agent, outbox):
    theirs = open_ticket(contact_a)
    hers = open_ticket(nara, subject="Banner")
    outbox.clear()
    ticket_answer(ticket=theirs, author=agent, body="Feito.")
    assert to(outbox) == ["ana@acme.test", "john@acme.test"]
    outbox.clear()
    ticket_answer(ticket=hers, author=agent, body="Feito.")
    # Ana did not open it, follow it or write on it: the colleagues who chose all hear.
    assert to(outbox) == ["john@acme.test", "nara@acme.test"]


def test_recipients_are_exactly_the_involved_active_contacts_who_may_see_the_ticket(
    cast, contact_a, nara
):
    ex = ContactFactory(company=contact_a.company, email="ex@acme.test", is_active=False)
    CompanyWideNews.objects.create(user=ex)
    for ticket in (open_ticket(contact_a), open_ticket(nara)):
        recipients = client_recipients(ticket, actor=None)
        involved = {ticket.opened_by_id} | set(
            CompanyWideNews.objects.values_list("user_id", flat=True)
        )
        may_see = [
            user
            for user in type(contact_a).objects.filter(is_active=True, role="contact")
            if Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists() and user.pk in involved
        ]
        assert sorted(u.email for u in recipients) == sorted(u.email for u in may_see)


def test_a_kind_turned_off_is_not_sent_and_the_others_still_are(
    cast, contact_a, john, agent, outbox
):
    preferences_save(user=john, enabled={"request-status"}, company_wide=True)
    ticket = open_ticket(contact_a)
    ticket_answer(ticket=ticket, author=agent, body="Feito.")
    assert "john@acme.test" not in to(outbox)
    outbox.clear()
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    assert to(outbox) == ["ana@acme.test", "john@acme.test"]


def test_contacts_of_a_deactivated_company_hear_nothing_until_it_is_reactivated(
    cast, contact_a, nara, agent, outbox
):
    ticket = open_ticket(contact_a)
    company = contact_a.company
    company.is_active = False
    company.save()
    outbox.clear()
    ticket_change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    assert outbox == []
    # The same rule as what they may see: nothing.
    assert client_recipients(ticket, actor=None) == []
    assert not Ticket.objects.visible_to(contact_a).exists()
    company.is_active = True
    company.save()
    ticket_answer(ticket=ticket, author=agent, body="Feito.")
    assert to(outbox) == ["ana@acme.test", "john@acme.test"]
