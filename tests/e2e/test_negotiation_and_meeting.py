"""Issue 13 in a real browser: the team proposes a new Prazo and the client accepts or
refuses it; the team proposes a meeting (STAND BY) and the client picks a time, or asks
for others. Each journey goes through both pages, the team's and the client's, as the
people would."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Locator, Page, expect

from portal.notifications.models import OutboundEmail
from portal.tickets.models import DeadlineProposal, Meeting, Status
from tests.e2e.helpers import DESKTOP, PHONE, log_in, page_problems
from tests.support.factories import open_ticket, propose_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(DESKTOP, id="1280px"), pytest.param(PHONE, id="375px")]
MEET_LINK = "https://meet.google.com/abc-defg-hij"


def card(page: Page, heading: str) -> Locator:
    """The card (a <section>) under this heading, on either request page."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def field(form: Locator, label: str) -> Locator:
    """The labelled field's wrapper: its label, the control and the errors beside it."""
    return form.locator(".field").filter(has=form.page.get_by_label(label))


def shown(value: datetime.date | datetime.datetime, format_name: str) -> str:
    """A date or time as the pt-BR pages print it (in the portal's time zone)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    with translation.override("pt-br"):
        return date_format(value, format_name)


def screenshot(page: Page, pytestconfig, name: str) -> Path:
    """Keep a picture of the page for a person to look at (the folder failures use too)."""
    folder = Path(pytestconfig.rootpath) / "test-results"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def staff_url(ticket) -> str:
    return reverse("workspace:ticket", args=[ticket.number])


def client_url(ticket) -> str:
    return reverse("tickets:detail", args=[ticket.number])


def propose_deadline(staff: Page, deadline: datetime.date, reason: str) -> None:
    form = card(staff, "Propor novo prazo")
    form.get_by_label("Novo prazo").fill(deadline.isoformat())
    form.get_by_label("Motivo (o cliente vê)").fill(reason)
    form.get_by_role("button", name="Propor novo prazo").click()
    expect(
        staff.get_by_text("Novo prazo proposto; o cliente foi chamado a aceitá-lo.")
    ).to_be_visible()


@pytest.mark.parametrize("client_viewport", WIDTHS)
def test_it_negotiates_a_new_deadline_the_client_accepts_then_one_she_refuses(
    new_page, contact_a, agent, catalog, client_viewport, pytestconfig
):
    ticket = open_ticket(contact_a, subject="Catálogo de produtos")
    original = ticket.deadline
    proposed = original + datetime.timedelta(days=10)
    staff = new_page(DESKTOP)
    client = new_page(client_viewport)
    log_in(staff, agent.email)
    log_in(client, contact_a.email)

    # The team proposes; the Prazo does not move until the client says yes.
    staff.goto(staff_url(ticket))
    propose_deadline(staff, proposed, "As fotos dos produtos chegam só na próxima semana.")
    expect(card(staff, "Propor novo prazo")).to_contain_text(
        f"Bruno Agente propôs {shown(proposed, 'DATE_FORMAT')}; aguardando a resposta do cliente."
    )
    ticket.refresh_from_db()
    assert ticket.deadline == original
    assert DeadlineProposal.objects.get(ticket=ticket).state == DeadlineProposal.State.PENDING

    client.goto(client_url(ticket))
    proposal = card(client, "Novo prazo proposto")
    expect(proposal).to_contain_text(
        f"Bruno Agente propõe {shown(proposed, 'DATE_FORMAT')} "
        f"em vez de {shown(original, 'DATE_FORMAT')}."
    )
    expect(proposal).to_contain_text("As fotos dos produtos chegam só na próxima semana.")
    assert not page_problems(client), page_problems(client)
    screenshot(client, pytestconfig, f"negotiation-proposal-card-{client_viewport['width']}px")

    proposal.get_by_role("button", name="Aceitar novo prazo").click()
    expect(client.get_by_text("Novo prazo aceito.")).to_be_visible()
    expect(card(client, "Novo prazo proposto")).to_have_count(0)
    facts = client.locator(".request-facts")
    expect(facts).to_contain_text(shown(proposed, "DATE_FORMAT"))
    expect(facts).to_contain_text(f"prazo original: {shown(original, 'DATE_FORMAT')}")
    ticket.refresh_from_db()
    assert (ticket.deadline, ticket.original_deadline) == (proposed, original)

    # A second proposal, refused: first with no reason (refused by the form), then with one.
    later = proposed + datetime.timedelta(days=5)
    staff.goto(staff_url(ticket))
    propose_deadline(staff, later, "A gráfica pediu mais uma semana.")

    client.reload()
    proposal = card(client, "Novo prazo proposto")
    expect(proposal).to_contain_text("A gráfica pediu mais uma semana.")
    proposal.locator("summary", has_text="Recusar").click()
    proposal.get_by_role("button", name="Recusar", exact=True).click()
    proposal = card(client, "Novo prazo proposto")
    comment = field(proposal, "Por que a nova data não serve para você?")
    expect(comment.locator(".errors")).to_have_text("Este campo é obrigatório.")
    expect(comment.get_by_role("textbox")).to_have_attribute("aria-invalid", "true")
    expect(proposal.get_by_role("button", name="Aceitar novo prazo")).to_be_visible()
    second = DeadlineProposal.objects.get(ticket=ticket, deadline=later)
    assert second.state == DeadlineProposal.State.PENDING
    ticket.refresh_from_db()
    assert ticket.deadline == proposed

    comment.get_by_role("textbox").fill("O lançamento é no dia 10; não dá para esperar.")
    proposal.get_by_role("button", name="Recusar", exact=True).click()
    expect(client.get_by_text("Você recusou o novo prazo; a equipe foi avisada.")).to_be_visible()
    expect(card(client, "Novo prazo proposto")).to_have_count(0)
    expect(client.locator(".request-facts")).to_contain_text(shown(proposed, "DATE_FORMAT"))
    second.refresh_from_db()
    assert second.state == DeadlineProposal.State.REFUSED
    assert second.comment == "O lançamento é no dia 10; não dá para esperar."
    ticket.refresh_from_db()
    assert ticket.deadline == proposed

    staff.reload()
    expect(staff.locator(".timeline")).to_contain_text(
        f"Ana Souza recusou o novo prazo ({shown(later, 'SHORT_DATE_FORMAT')}): "
        "“O lançamento é no dia 10; não dá para esperar.”"
    )
    expect(card(staff, "Propor novo prazo")).not_to_contain_text("aguardando a resposta")


def test_it_arranges_a_meeting_the_client_confirms_with_invitations_for_both(
    new_page, contact_a, agent, catalog, pytestconfig
):
    ticket = open_ticket(contact_a, subject="Identidade visual da nova loja")
    today = timezone.localdate()
    times = [
        timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour))
        )
        for days, hour in ((2, 10), (3, 15))
    ]
    staff = new_page(DESKTOP)
    client = new_page(DESKTOP)
    log_in(staff, agent.email)
    log_in(client, contact_a.email)

    staff.goto(staff_url(ticket))
    panel = card(staff, "Reunião")
    panel.locator("summary", has_text="Propor reunião").click()
    for number, when in enumerate(times, start=1):
        slot = panel.get_by_role("group", name=f"Horário {number}")
        slot.get_by_label("Dia").fill(timezone.localtime(when).date().isoformat())
        slot.get_by_label("Início").fill(timezone.localtime(when).strftime("%H:%M"))
    panel.get_by_label("Local ou link da videochamada").fill(MEET_LINK)
    screenshot(staff, pytestconfig, "meeting-form-staff-1280px")
    panel.get_by_role("button", name="Propor reunião").click()
    expect(
        staff.get_by_text("Reunião proposta; a solicitação fica em STAND BY até que ela aconteça.")
    ).to_be_visible()
    expect(staff.locator(".page-header .status")).to_have_text("STAND BY")
    panel = card(staff, "Reunião")
    expect(panel).to_contain_text("Aguardando o cliente escolher um horário:")
    for when in times:
        expect(panel).to_contain_text(shown(when, "SHORT_DATETIME_FORMAT"))
    ticket.refresh_from_db()
    assert ticket.status == Status.STAND_BY

    client.goto(client_url(ticket))
    expect(client.locator(".page-header .status")).to_have_text("STAND BY")
    meeting = card(client, "Reunião proposta")
    expect(meeting.get_by_role("link", name=MEET_LINK)).to_be_visible()
    choices = meeting.get_by_role("listitem")
    expect(choices).to_have_count(2)
    for choice, when in zip(choices.all(), times, strict=True):
        expect(choice).to_contain_text(shown(when, "DATETIME_FORMAT"))
    screenshot(client, pytestconfig, "meeting-proposed-card-1280px")

    choices.nth(1).get_by_role("button", name="Confirmar horário").click()
    expect(
        client.get_by_text("Reunião confirmada. O convite está a caminho da sua agenda.")
    ).to_be_visible()
    confirmed = card(client, "Reunião confirmada")
    expect(confirmed).to_contain_text(f"{shown(times[1], 'DATETIME_FORMAT')} (60 min)")
    expect(confirmed.get_by_role("link", name=MEET_LINK)).to_be_visible()
    expect(card(client, "Reunião proposta")).to_have_count(0)
    screenshot(client, pytestconfig, "meeting-confirmed-card-1280px")

    arranged = Meeting.objects.get(ticket=ticket)
    assert arranged.state == Meeting.State.CONFIRMED
    assert (arranged.starts_at, arranged.duration_minutes) == (times[1], 60)
    invitations = OutboundEmail.objects.filter(ticket=ticket).exclude(calendar="")
    assert {email.recipient for email in invitations} == {contact_a, agent}
    for email in invitations:
        assert "METHOD:REQUEST" in email.calendar, email.calendar

    staff.reload()
    expect(card(staff, "Reunião")).to_contain_text(
        f"Confirmada para {shown(times[1], 'SHORT_DATETIME_FORMAT')} (60 min)"
    )


def test_a_client_on_a_phone_asks_for_other_meeting_times_and_the_team_reads_why(
    new_page, contact_a, agent, catalog, pytestconfig
):
    ticket = open_ticket(contact_a, subject="Vídeo institucional")
    propose_meeting(ticket, agent=agent, days=(2, 3), hour=9, place=MEET_LINK)
    staff = new_page(DESKTOP)
    client = new_page(PHONE)
    log_in(staff, agent.email)
    log_in(client, contact_a.email)

    client.goto(client_url(ticket))
    meeting = card(client, "Reunião proposta")
    expect(meeting.get_by_role("button", name="Confirmar horário")).to_have_count(2)
    screenshot(client, pytestconfig, "meeting-proposed-card-375px")

    meeting.locator("summary", has_text="Nenhum destes horários serve para mim").click()
    meeting.get_by_label("Quais dias e horários são melhores para você?").fill(
        "Só consigo à tarde, depois das 16h."
    )
    meeting.get_by_role("button", name="Pedir outros horários").click()
    expect(client.get_by_text("A equipe vai propor outros horários.")).to_be_visible()
    expect(card(client, "Reunião proposta")).to_contain_text(
        "Você pediu outros horários; a equipe vai propor novos."
    )
    expect(client.locator(".timeline")).to_contain_text("Só consigo à tarde, depois das 16h.")
    assert Meeting.objects.get(ticket=ticket).state == Meeting.State.OTHER_TIMES
    assert ticket.messages.filter(author=contact_a, body__contains="depois das 16h").exists()

    staff.goto(staff_url(ticket))
    expect(staff.locator(".timeline")).to_contain_text("Só consigo à tarde, depois das 16h.")
    expect(staff.locator(".timeline")).to_contain_text(
        "Ana Souza pediu outros horários para a reunião"
    )
    expect(card(staff, "Reunião")).to_contain_text(
        "O cliente pediu outros horários: proponha novos abaixo."
    )


def test_the_clients_answer_field_keeps_its_label_beside_a_meeting_proposal(
    phone_page, contact_a, agent, catalog
):
    ticket = open_ticket(contact_a, subject="Vídeo institucional")
    propose_meeting(ticket, agent=agent, days=(2,), place=MEET_LINK)
    log_in(phone_page, contact_a.email)
    phone_page.goto(client_url(ticket))
    expect(card(phone_page, "Reunião proposta")).to_be_visible()
    expect(phone_page.get_by_role("textbox", name="Sua resposta")).to_be_visible()
    assert not page_problems(phone_page), page_problems(phone_page)
