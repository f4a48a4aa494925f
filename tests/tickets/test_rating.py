"""Como foi o atendimento? — the optional rating given when confirming a conclusion."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.tickets.models import Rating, Status
from portal.tickets.services import ticket_assign, ticket_change_status, ticket_confirm
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def concluded(contact_a, agent, catalog):
    ticket = open_ticket(contact_a, subject="Banner <novo>")
    ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    ticket_change_status(ticket=ticket, actor=agent, status=Status.DONE)
    return ticket


def test_a_rating_is_kept_with_who_attended_and_what_it_was(concluded, contact_a, agent):
    ticket_confirm(ticket=concluded, actor=contact_a, score=4, comment="Rápido, faltou <só> o PDF.")
    rating = Rating.objects.get()
    assert (rating.score, rating.author, rating.assignee) == (4, contact_a, agent)
    assert rating.service == concluded.service and rating.company == concluded.company
    assert rating.comment == "Rápido, faltou <só> o PDF."


def test_confirming_without_a_rating_is_fine_and_a_bad_one_changes_nothing(concluded, contact_a):
    with pytest.raises(ValidationError):
        ticket_confirm(ticket=concluded, actor=contact_a, score=6)
    with pytest.raises(ValidationError):
        ticket_confirm(ticket=concluded, actor=contact_a, comment="Sem nota")
    concluded.refresh_from_db()
    assert not concluded.is_closed
    ticket_confirm(ticket=concluded, actor=contact_a)
    concluded.refresh_from_db()
    assert concluded.is_closed and not Rating.objects.exists()


def test_the_page_asks_and_the_staff_page_shows_it_escaped(concluded, contact_a, agent, client):
    client.force_login(contact_a)
    url = reverse("tickets:detail", args=[concluded.number])
    page = client.get(url).content.decode()
    assert "Como foi o atendimento?" in page and "5 — Excelente" in page
    confirm = reverse("tickets:confirm", args=[concluded.number])
    refused = client.post(confirm, {"score": "9"})
    assert refused.status_code == 400 and 'id="id_score_error"' in refused.content.decode()
    refused = client.post(confirm, {"comment": "Só comentário"})
    assert "Escolha uma nota para o seu comentário." in refused.content.decode()
    concluded.refresh_from_db()
    assert not concluded.is_closed
    client.post(confirm, {"score": "5", "comment": "Ótimo <trabalho>"})
    concluded.refresh_from_db()
    assert concluded.is_closed
    client.force_login(agent)
    staff = client.get(reverse("workspace:ticket", args=[concluded.number])).content.decode()
    assert "nota 5/5" in staff and "Ótimo &lt;trabalho&gt;" in staff


def test_another_company_cannot_rate(concluded, contact_b, client):
    client.force_login(contact_b)
    response = client.post(reverse("tickets:confirm", args=[concluded.number]), {"score": "1"})
    assert response.status_code == 404
    assert not Rating.objects.exists()
