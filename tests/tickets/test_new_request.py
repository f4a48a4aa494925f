from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.tickets.models import Attachment, Event, Status, Ticket
from tests.support.files import pdf_upload, png_upload

pytestmark = pytest.mark.django_db
NEW = reverse("tickets:new")


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
    assert response.content.decode().count("Este campo é obrigatório.") == 6
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
