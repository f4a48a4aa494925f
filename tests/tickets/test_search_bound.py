"""A common word stays bounded: only the best SEARCH_MAX_RESULTS candidates are ranked
(subjects that match, then the latest activity) and the list says there are more instead
of counting them; up to the bound the results are the unbounded search's. On whichever
database the suite runs (CI runs it on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.tickets import search
from portal.tickets.models import Ticket
from portal.tickets.services import ticket_answer
from tests.support.factories import open_ticket

LIST = reverse("tickets:list")


@pytest.fixture
def reports(db, contact_a, contact_b, agent, catalog):
    """#1 and #2: "relatório" in the subject (the oldest); #3 to #6: only in a message, #6
    the latest; #7: another company's subject."""
    tickets = [open_ticket(contact_a, subject=f"Relatório {n}", body="Segue.") for n in (1, 2)]
    tickets += [
        open_ticket(contact_a, subject=f"Pedido {n}", body="O relatório.") for n in range(4)
    ]
    open_ticket(contact_b, subject="Relatório de outra empresa", body="Segue.")
    ticket_answer(ticket=tickets[-1], author=agent, body="Mais um relatório.")
    return tickets


def numbers(response) -> list[int]:
    return [ticket.number for ticket in response.context["page"].object_list]


@pytest.mark.django_db
def test_beyond_the_bound_the_best_candidates_and_a_notice(client, settings, contact_a, reports):
    settings.SEARCH_MAX_RESULTS = 3
    client.force_login(contact_a)
    response = client.get(LIST, {"q": "relatorio"})
    # Both subject matches, however old, then the latest message match.
    assert numbers(response) == [1, 2, 6] or numbers(response) == [2, 1, 6]
    assert numbers(response)[2] == 6
    assert response.context["page"].paginator.count == 3
    assert "Mais de 3 resultados" in response.content.decode()


@pytest.mark.django_db
def test_up_to_the_bound_the_results_are_the_unbounded_search(client, settings, contact_a, reports):
    settings.SEARCH_MAX_RESULTS = 6
    client.force_login(contact_a)
    response = client.get(LIST, {"q": "relatorio"})
    visible = Ticket.objects.visible_to(contact_a)
    unbounded = search.search(visible, "relatorio", internal=False)
    assert numbers(response) == [ticket.number for ticket in unbounded]
    assert response.context["page"].paginator.count == 6
    assert "resultados" not in response.content.decode()
    assert numbers(client.get(LIST, {"q": "pedido 2"})) == [5]


@pytest.mark.django_db
def test_the_bound_keeps_the_status_filter_and_the_company(client, settings, contact_a, reports):
    settings.SEARCH_MAX_RESULTS = 2
    Ticket.objects.filter(number__in=[1, 6]).update(status="in_progress")
    client.force_login(contact_a)
    response = client.get(LIST, {"q": "relatorio", "status": "in_progress"})
    assert numbers(response) == [1, 6]
    assert "Mais de" not in response.content.decode()
    assert 7 not in numbers(client.get(LIST, {"q": "relatorio"}))
