from __future__ import annotations

import pytest
from django.urls import reverse

from portal.tickets.models import Event, Message, Status
from portal.tickets.services import ticket_answer, ticket_assign, ticket_change_status
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


def detail(number: int) -> str:
    return reverse("tickets:detail", args=[number])


def answer(number: int) -> str:
    return reverse("tickets:answer", args=[number])


def test_the_page_shows_every_field_who_attends_and_the_timeline(client, contact_a, agent):
    ticket = open_ticket(contact_a, subject="Banner", body="Trocar o banner da home")
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    ticket_answer(ticket=ticket, author=agent, body="Estamos fazendo!")
    client.force_login(contact_a)
    body = client.get(detail(ticket.number)).content.decode()
    for text in [
        "#1",
        "Banner",
        "Atendido por",
        "Bruno Agente",
        "Atendimento",
        "Redes Sociais",
        "Média",
        "Trocar o banner da home",
        "Estamos fazendo!",
        "Ana Souza abriu a solicitação",
        "Bruno Agente atribuiu a solicitação a Bruno Agente",
        "Bruno Agente alterou o status de ABERTA para EM ANDAMENTO",
        "Adicionar Resposta",
    ]:
        assert text in body, text


def test_the_page_runs_a_fixed_number_of_queries(
    client, contact_a, agent, django_assert_num_queries
):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    client.get(detail(ticket.number))
    # session, user, ticket, commitments, messages, attachments, events
    with django_assert_num_queries(7):
        client.get(detail(ticket.number))
    for n in range(5):
        ticket_answer(ticket=ticket, author=agent, body=f"Mensagem {n}")
        ticket_change_status(ticket=ticket, actor=agent, status=Status.STAND_BY)
        ticket_change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
    with django_assert_num_queries(7):
        client.get(detail(ticket.number))


@pytest.mark.parametrize("who", ["contact_b", "anonymous"])
def test_another_company_gets_404_for_page_answer_and_confirm(client, contact_a, who, request):
    opened = open_ticket(contact_a)
    if who == "anonymous":
        assert client.get(detail(opened.number)).status_code == 302
        return
    client.force_login(request.getfixturevalue(who))
    assert client.get(detail(opened.number)).status_code == 404
    assert client.post(answer(opened.number), {"body": "Intruso"}).status_code == 404
    confirm = reverse("tickets:confirm", args=[opened.number])
    assert client.post(confirm).status_code == 404
    assert client.get(detail(999)).status_code == 404
    assert Message.objects.count() == 1


def test_staff_are_sent_to_the_workspace_page(client, contact_a, agent):
    opened = open_ticket(contact_a)
    client.force_login(agent)
    response = client.get(detail(opened.number))
    assert response["Location"] == reverse("workspace:ticket", args=[opened.number])


def test_internal_notes_never_reach_the_client(client, contact_a, agent):
    ticket = open_ticket(contact_a)
    ticket_answer(ticket=ticket, author=agent, body="Nota secreta da equipe", internal=True)
    client.force_login(contact_a)
    assert "Nota secreta da equipe" not in client.get(detail(ticket.number)).content.decode()
    client.force_login(agent)
    staff_page = client.get(reverse("workspace:ticket", args=[ticket.number]))
    assert "Nota secreta da equipe" in staff_page.content.decode()


def test_adicionar_resposta_adds_a_message(client, contact_a):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    response = client.post(answer(ticket.number), {"body": "Mais um detalhe"}, follow=True)
    assert "Sua resposta foi adicionada." in response.content.decode()
    assert ticket.messages.last().body == "Mais um detalhe"


def test_an_empty_answer_shows_the_error_next_to_the_field(client, contact_a):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    response = client.post(answer(ticket.number), {"body": "  "})
    assert response.status_code == 400
    assert "Este campo é obrigatório." in response.content.decode()
    assert ticket.messages.count() == 1


def test_a_client_answer_to_aguardando_retorno_moves_it_to_em_andamento(client, contact_a, agent):
    ticket = open_ticket(contact_a)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    client.force_login(contact_a)
    client.post(answer(ticket.number), {"body": "Aprovado!"})
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    last = ticket.events.last()
    assert last.kind == Event.Kind.STATUS_CHANGED and last.actor == contact_a


def test_a_staff_answer_does_not_change_the_status(client, contact_a, agent):
    ticket = open_ticket(contact_a)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
    client.force_login(agent)
    client.post(answer(ticket.number), {"body": "Lembrete"})
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING_CLIENT


def test_the_client_confirms_a_concluded_ticket_which_becomes_read_only(client, contact_a, agent):
    ticket = open_ticket(contact_a)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    client.force_login(contact_a)
    page = client.get(detail(ticket.number)).content.decode()
    assert "Sua solicitação foi concluída!" in page and "Confirmar e encerrar" in page
    response = client.post(reverse("tickets:confirm", args=[ticket.number]), follow=True)
    assert "A solicitação foi confirmada e encerrada." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.is_closed and ticket.status == Status.DONE
    page = client.get(detail(ticket.number)).content.decode()
    assert "Esta solicitação está encerrada" in page and "Adicionar Resposta" not in page
    refused = client.post(answer(ticket.number), {"body": "Mais uma coisa"})
    assert refused.status_code == 400
    assert "Esta solicitação está encerrada e não pode mais ser alterada." in (
        refused.content.decode()
    )
    assert ticket.messages.count() == 1


def test_corrections_to_a_concluded_ticket_put_it_back_in_progress(client, contact_a, agent):
    ticket = open_ticket(contact_a)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    client.force_login(contact_a)
    client.post(answer(ticket.number), {"body": "Faltou ajustar a cor do botão"})
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and not ticket.is_closed


def test_a_ticket_that_is_not_concluded_cannot_be_confirmed(client, contact_a):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    response = client.post(reverse("tickets:confirm", args=[ticket.number]), follow=True)
    assert "Só é possível confirmar uma solicitação CONCLUÍDA." in response.content.decode()
    ticket.refresh_from_db()
    assert not ticket.is_closed


def test_html_in_messages_is_inert_and_links_are_safe(client, contact_a):
    ticket = open_ticket(
        contact_a,
        body='<script>alert("x")</script> veja https://wetransfer.com/downloads/abc e '
        "<a href=javascript:alert(1)>clique</a>",
    )
    client.force_login(contact_a)
    body = client.get(detail(ticket.number)).content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;" in body
    assert (
        '<a href="https://wetransfer.com/downloads/abc" rel="noopener noreferrer nofollow" '
        'target="_blank">' in body
    )
    assert "<a href=javascript" not in body
