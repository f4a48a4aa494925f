"""The client pages (portal/tickets/views.py): the list, a new request, a request's page,
answering and confirming it, and downloading its attachments.

What an upload may be is in test_uploads.py; what the search finds, in test_search.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.tickets.deadlines import deadline_propose
from portal.tickets.models import Attachment, Event, Message, Status, Ticket
from portal.tickets.services import ticket_answer, ticket_assign, ticket_change_status
from portal.tickets.uploads import check_file
from tests.support.factories import ContactFactory, open_ticket, propose_meeting
from tests.support.files import pdf_upload, png_upload

pytestmark = pytest.mark.django_db
LIST = reverse("tickets:list")
NEW = reverse("tickets:new")


# --- The list (ATENDIMENTO)


def numbers(response) -> list[int]:
    return [r.number for r in response.context["page"].object_list]


def test_a_contact_sees_the_company_tickets_latest_activity_first(
    client, contact_a, contact_b, agent
):
    colleague = ContactFactory(company=contact_a.company)
    first = open_ticket(contact_a, subject="Primeira")
    open_ticket(colleague, subject="Da colega")
    open_ticket(contact_b, subject="De outra empresa")
    ticket_answer(ticket=first, author=agent, body="Novidades")
    client.force_login(contact_a)
    response = client.get(LIST)
    assert numbers(response) == [1, 2]
    body = response.content.decode()
    assert "De outra empresa" not in body
    for header in ["Nº", "Assunto", "Departamento", "Serviços", "Prioridade", "Status", "Prazo"]:
        assert header in body


def test_an_admin_can_narrow_a_contact_to_their_own_tickets(client, contact_a):
    colleague = ContactFactory(company=contact_a.company)
    open_ticket(contact_a)
    colleague_ticket = open_ticket(colleague)
    contact_a.sees_own_requests_only = True
    contact_a.save()
    client.force_login(contact_a)
    assert numbers(client.get(LIST)) == [1]
    detail = reverse("tickets:detail", args=[colleague_ticket.number])
    assert client.get(detail).status_code == 404


def test_the_five_statuses_show_with_counts_and_filter_through_the_url(client, contact_a, agent):
    for _ in range(3):
        open_ticket(contact_a)
    second = open_ticket(contact_a)
    ticket_change_status(ticket=second, actor=agent, status=Status.WAITING_CLIENT)
    client.force_login(contact_a)
    response = client.get(LIST)
    body = response.content.decode()
    for label in ["ABERTA", "EM ANDAMENTO", "AGUARDANDO RETORNO", "STAND BY", "CONCLUÍDA"]:
        assert label in body
    tabs = {tab.value: tab.count for tab in response.context["tabs"]}
    assert tabs == {
        "open": 3,
        "in_progress": 0,
        "waiting_client": 1,
        "stand_by": 0,
        "done": 0,
    }
    assert 'href="?status=waiting_client"' in body
    filtered = client.get(LIST, {"status": "waiting_client"})
    assert numbers(filtered) == [4]
    assert 'aria-current="page"' in filtered.content.decode()


def test_an_unknown_status_filter_shows_everything(client, contact_a):
    open_ticket(contact_a)
    client.force_login(contact_a)
    assert numbers(client.get(LIST, {"status": "<script>"})) == [1]


def test_search_covers_subjects_and_messages_but_not_internal_notes(client, contact_a, agent):
    by_subject = open_ticket(contact_a, subject="Banner de verão")
    by_message = open_ticket(contact_a, subject="Outro", body="Precisamos do banner novo")
    hidden = open_ticket(contact_a, subject="Terceiro")
    ticket_answer(ticket=hidden, author=agent, body="banner interno", internal=True)
    client.force_login(contact_a)
    found = numbers(client.get(LIST, {"q": "BANNER"}))
    assert sorted(found) == [by_subject.number, by_message.number]


def test_the_list_is_paginated_and_keeps_the_filter(client, contact_a, settings):
    settings.REQUESTS_PER_PAGE = 2
    for _ in range(5):
        open_ticket(contact_a)
    client.force_login(contact_a)
    page_two = client.get(LIST, {"status": "open", "page": 2})
    assert numbers(page_two) == [3, 2]
    assert "?status=open&amp;page=3" in page_two.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(client, contact_a, django_assert_num_queries):
    open_ticket(contact_a)
    client.force_login(contact_a)
    client.get(LIST)
    # session, user, counts (which give the page count too), page rows, the bell
    with django_assert_num_queries(5):
        client.get(LIST)
    for _ in range(6):
        open_ticket(contact_a)
    with django_assert_num_queries(5):
        client.get(LIST)


def test_anonymous_visitors_go_to_login(client):
    assert client.get(LIST)["Location"].startswith(reverse("accounts:login"))


# --- A new request


def form_data(catalog, **overrides):
    data = {
        "subject": "Posts de Natal",
        "department": catalog["department"].pk,
        "service": catalog["service"].pk,
        "priority": catalog["priority"].pk,
        "body": "Três posts para o feed, com as fotos do catálogo.",
        "deadline": (timezone.localdate() + timedelta(days=5)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_same_form_posted_twice_opens_one_ticket(client, contact_a, catalog, outbox):
    client.force_login(contact_a)
    page = client.get(NEW)
    key = page.context["form"]["submission"].value()
    assert f'name="submission" value="{key}"' in page.content.decode()
    first = client.post(NEW, form_data(catalog, submission=key))
    again = client.post(NEW, form_data(catalog, submission=key))  # a double click
    [ticket] = Ticket.objects.all()
    assert first["Location"] == again["Location"] == reverse("tickets:detail", args=[ticket.number])
    assert ticket.messages.count() == 1
    outbox.clear()
    fresh = client.get(NEW).context["form"]["submission"].value()
    other = client.post(NEW, form_data(catalog, submission=fresh))
    assert other.status_code == 302 and Ticket.objects.count() == 2
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [1, 2]  # no number lost


def test_the_form_has_the_guide_fields_and_reminders(client, contact_a, catalog):
    client.force_login(contact_a)
    body = client.get(NEW).content.decode()
    for label in [
        "NOVA SOLICITAÇÃO",
        "Assunto",
        "Departamento",
        "Serviços",
        "Prioridade",
        "Mensagem",
        "Prazo",
        "Anexar Arquivo",
        ">Salvar<",
        "Lembre-se sempre de revisar o conteúdo enviado",
        "Anexos: limite de 10 arquivos, com tamanho máximo de 2,0\xa0MB cada.",
        "WeTransfer",
    ]:
        assert label in body, label
    for service in ["Redes Sociais", "Atualização / Website", "Design Gráfico", "E-mail Marketing"]:
        assert service in body


def test_salvar_opens_the_ticket_as_aberta_with_a_number_and_confirms(client, contact_a, catalog):
    client.force_login(contact_a)
    response = client.post(NEW, form_data(catalog), follow=True)
    ticket = Ticket.objects.get()
    assert ticket.number == 1 and ticket.status == Status.OPEN
    assert ticket.company == contact_a.company and ticket.opened_by == contact_a
    assert response.redirect_chain[-1][0] == reverse("tickets:detail", args=[1])
    assert "Sua solicitação #1 foi aberta." in response.content.decode()
    assert list(ticket.events.values_list("kind", flat=True)) == [Event.Kind.OPENED]
    client.post(NEW, form_data(catalog, subject="Outra"))
    assert list(Ticket.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_every_field_but_the_attachment_is_required(client, contact_a, catalog):
    client.force_login(contact_a)
    response = client.post(NEW, {})
    # Beside each field (the error summary at the top says it once more, as a link).
    assert response.content.decode().count("<li>Este campo é obrigatório.</li>") == 6
    assert not Ticket.objects.exists()


def test_the_deadline_cannot_be_in_the_past(client, contact_a, catalog):
    client.force_login(contact_a)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(NEW, form_data(catalog, deadline=yesterday))
    assert "O prazo não pode estar no passado." in response.content.decode()
    assert not Ticket.objects.exists()
    today = timezone.localdate().isoformat()
    assert client.post(NEW, form_data(catalog, deadline=today)).status_code == 302


def test_inactive_catalogue_entries_are_not_offered(client, contact_a, catalog):
    catalog["service"].is_active = False
    catalog["service"].save()
    client.force_login(contact_a)
    response = client.post(NEW, form_data(catalog))
    assert "Faça uma escolha válida" in response.content.decode()
    assert not Ticket.objects.exists()


def test_it_opens_with_attachments(client, contact_a, catalog):
    client.force_login(contact_a)
    data = form_data(catalog, attachments=[pdf_upload("briefing.pdf"), png_upload("ref.png")])
    assert client.post(NEW, data).status_code == 302
    names = sorted(Attachment.objects.values_list("original_name", flat=True))
    assert names == ["briefing.pdf", "ref.png"]


def test_staff_are_sent_to_the_list_instead(client, agent, catalog):
    client.force_login(agent)
    assert client.get(NEW)["Location"] == reverse("tickets:list")
    assert client.post(NEW, form_data(catalog)).status_code == 302
    assert not Ticket.objects.exists()


def test_html_in_the_subject_is_stored_as_typed_and_shown_as_text(client, contact_a, catalog):
    client.force_login(contact_a)
    payload = '<img src=x onerror="alert(1)">'
    client.post(NEW, form_data(catalog, subject=payload, body=payload))
    page = client.get(reverse("tickets:detail", args=[1])).content.decode()
    assert payload not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


# --- A request's page, answering and confirming


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
    # session, user, ticket, commitments, messages, attachments, events, the pending
    # deadline proposal, the current meeting, the followers, colleagues to add, the bell,
    # the answers to the service's fields, the visit (what the team writes after it reads
    # "Nova resposta") and the draft
    with django_assert_num_queries(15):
        client.get(detail(ticket.number))
    for n in range(5):
        ticket_answer(ticket=ticket, author=agent, body=f"Mensagem {n}")
        ticket_change_status(ticket=ticket, actor=agent, status=Status.WAITING_CLIENT)
        ticket_change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
        propose_meeting(ticket, agent=agent, days=(1, 2, 3))
        ticket_change_status(ticket=ticket, actor=agent, status=Status.IN_PROGRESS)
        deadline_propose(
            ticket=ticket, actor=agent, deadline=ticket.deadline + timedelta(days=n + 1),
            reason="Mais tempo",
        )  # fmt: skip
    # ... and the meeting's proposed times.
    with django_assert_num_queries(16):
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
    assert "Reabrir solicitação" in page and "Adicionar Resposta" not in page
    refused = client.post(answer(ticket.number), {"body": "Mais uma coisa"})
    assert refused.status_code == 400
    assert "Esta solicitação está encerrada e não pode mais ser alterada." in (
        refused.content.decode()
    )
    assert ticket.messages.count() == 1


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


# --- Downloading an attachment


def download_url(attachment: Attachment) -> str:
    return reverse("tickets:attachment", args=[attachment.pk, attachment.original_name])


def test_downloads_check_access_and_are_served_safely(client, contact_a, contact_b, agent):
    ticket = open_ticket(contact_a, files=[check_file(pdf_upload("contrato.pdf"))])
    attachment = Attachment.objects.get()
    client.force_login(contact_a)
    response = client.get(download_url(attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="contrato.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(contact_b)
    assert client.get(download_url(attachment)).status_code == 404
    client.force_login(agent)
    assert client.get(download_url(attachment)).status_code == 200
    assert ticket.number == 1


def test_images_may_preview_inline(client, contact_a):
    open_ticket(contact_a, files=[check_file(png_upload("foto.png"))])
    client.force_login(contact_a)
    response = client.get(download_url(Attachment.objects.get()) + "?inline=1")
    assert response["Content-Disposition"].startswith("inline;")


def test_an_attachment_of_an_internal_note_is_404_for_the_client(client, contact_a, agent):
    ticket = open_ticket(contact_a)
    ticket_answer(
        ticket=ticket,
        author=agent,
        body="Arquivo interno",
        internal=True,
        files=[check_file(pdf_upload("interno.pdf"))],
    )
    client.force_login(contact_a)
    assert client.get(download_url(Attachment.objects.get())).status_code == 404


def test_anonymous_downloads_go_to_login(client, contact_a):
    open_ticket(contact_a, files=[check_file(pdf_upload())])
    response = client.get(download_url(Attachment.objects.get()))
    assert response["Location"].startswith(reverse("accounts:login"))


# --- What each status means (the guide's sentences)


GUIDE_SENTENCES = [
    "Sua solicitação foi aberta e aguarda retorno da equipe.",
    "Sua solicitação está sendo realizada pela equipe.",
    "Aguardando seu retorno e confirmação da demanda solicitada.",
    "Quando há necessidade de uma reunião para dar seguimento à solicitação.",
    "Sua solicitação foi concluída com sucesso!",
]


def test_every_status_says_what_it_means_in_the_list_and_on_the_page(client, contact_a):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    body = client.get(LIST).content.decode()
    assert "O que significa cada status?" in body
    for sentence in GUIDE_SENTENCES:
        assert f'title="{sentence}"' in body  # on hover, on each filter
        assert f"<dd>{sentence}</dd>" in body  # and in the legend
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert f'title="{GUIDE_SENTENCES[0]}"' in page and "O que significa cada status?" in page
