"""Mesclar on the staff request page (portal/workspace/merge_views.py): the number, the
confirmation naming both requests, the merge, and the merged request's pages leading to
the other one for the client and the team."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.tickets.merging import ticket_merge
from portal.tickets.models import Status, Ticket
from portal.tickets.services import ticket_change_status, ticket_confirm
from tests.support.factories import open_ticket

pytestmark = pytest.mark.django_db

NOT_FOUND = "Nenhuma solicitação desta empresa tem este número."


@pytest.fixture
def source(contact_a, catalog):
    return open_ticket(contact_a, subject="Banner da promoção")


@pytest.fixture
def target(contact_a, catalog):
    return open_ticket(contact_a, subject="Campanha de verão")


@pytest.fixture
def as_agent(client, agent):
    client.force_login(agent)
    return client


def merge_url(ticket) -> str:
    return reverse("workspace:merge", args=[ticket.number])


def page(ticket) -> str:
    return reverse("workspace:ticket", args=[ticket.number])


def merged_count() -> int:
    return Ticket.objects.filter(merged_into__isnull=False).count()


# --- Access


def test_a_client_never_merges(client, contact_a, source, target):
    client.force_login(contact_a)
    assert client.get(merge_url(source)).status_code == 404
    response = client.post(merge_url(source), {"merge-target": target.number, "merge-confirm": 1})
    assert response.status_code == 404
    assert merged_count() == 0


def test_a_visitor_is_sent_to_login(client, source):
    response = client.post(merge_url(source), {"merge-target": 2})
    assert response.status_code == 302 and "/entrar/" in response["Location"]


def test_another_companys_number_reads_as_one_that_does_not_exist(as_agent, source, contact_b):
    elsewhere = open_ticket(contact_b, subject="Roteiro secreto da Boreal")
    for number in (elsewhere.number, 999):
        response = as_agent.post(merge_url(source), {"merge-target": number})
        body = response.content.decode()
        assert response.status_code == 400
        assert NOT_FOUND in body and "Roteiro secreto" not in body
    assert merged_count() == 0


# --- The panel, the confirmation and the merge


def test_the_page_offers_the_panel(as_agent, source):
    body = as_agent.get(page(source)).content.decode()
    assert "Mesclar nesta solicitação: nº" in body
    assert f'action="{merge_url(source)}"' in body


def test_the_first_submit_asks_for_confirmation_naming_both(as_agent, source, target):
    response = as_agent.post(merge_url(source), {"merge-target": target.number})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"Mesclar a #{source.number} na #{target.number}?" in body
    assert "Banner da promoção" in body and "Campanha de verão" in body
    assert 'name="merge-confirm" value="1"' in body
    assert merged_count() == 0


def test_confirming_merges_and_lands_on_the_target(as_agent, source, target):
    response = as_agent.post(
        merge_url(source), {"merge-target": target.number, "merge-confirm": "1"}, follow=True
    )
    assert response.redirect_chain == [(page(target), 302)]
    assert f"A solicitação #{source.number} foi mesclada na #{target.number}." in (
        response.content.decode()
    )
    source.refresh_from_db()
    assert source.merged_into == target


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("", "Este campo é obrigatório."),
        ("abc", "Informe um número inteiro."),
        ("self", "Uma solicitação não pode ser mesclada nela mesma."),
        ("closed", "está ENCERRADA: escolha uma que esteja aberta."),
    ],
)
def test_errors_come_back_next_to_the_number(
    as_agent, source, target, contact_a, agent, number, error
):
    if number == "self":
        number = source.number
    elif number == "closed":
        ticket_change_status(ticket=target, actor=agent, status=Status.DONE)
        ticket_confirm(ticket=target, actor=contact_a)
        number = target.number
    # Confirmed or not, the same checks.
    for confirm in ("", "1"):
        response = as_agent.post(
            merge_url(source), {"merge-target": number, "merge-confirm": confirm}
        )
        body = response.content.decode()
        assert response.status_code == 400
        assert 'id="id_merge-target_error"' in body and error in body
        # ... and at the top of the page, linked to the field.
        assert 'href="#id_merge-target"' in body
    assert merged_count() == 0


def test_a_merge_already_done_meanwhile_is_refused(as_agent, source, target, admin_user):
    as_agent.post(merge_url(source), {"merge-target": target.number})
    ticket_merge(source=target, target=source, actor=admin_user)  # a colleague, first
    response = as_agent.post(
        merge_url(source), {"merge-target": target.number, "merge-confirm": "1"}
    )
    assert response.status_code == 400
    assert "está ENCERRADA" in response.content.decode()
    source.refresh_from_db()
    assert source.merged_into is None


# --- The merged request's pages


def test_the_merged_pages_lead_to_the_target(client, contact_a, agent, source, target):
    ticket_merge(source=source, target=target, actor=agent)
    notice = f"A solicitação #{source.number} foi mesclada na #{target.number}."
    client.force_login(contact_a)
    response = client.get(reverse("tickets:detail", args=[source.number]), follow=True)
    assert response.redirect_chain == [(reverse("tickets:detail", args=[target.number]), 302)]
    assert notice in response.content.decode()
    client.force_login(agent)
    response = client.get(page(source), follow=True)
    assert response.redirect_chain == [(page(target), 302)]
    assert notice in response.content.decode()
    # The target's history says what came in.
    assert f"mesclou a solicitação #{source.number} (Banner da promoção) nesta" in (
        response.content.decode()
    )


def test_another_companys_contact_still_gets_404(client, contact_b, agent, source, target):
    ticket_merge(source=source, target=target, actor=agent)
    client.force_login(contact_b)
    assert client.get(reverse("tickets:detail", args=[source.number])).status_code == 404


# --- Query counts


def test_the_confirmation_and_the_redirect_run_a_fixed_number_of_queries(
    as_agent, agent, source, target, django_assert_num_queries
):
    # session, user, the source, the target (with its company, opener and assignee), the bell
    with django_assert_num_queries(5):
        as_agent.post(merge_url(source), {"merge-target": target.number})
    ticket_merge(source=source, target=target, actor=agent)
    # session, user, the source, the target's number (the message rides in the cookie)
    with django_assert_num_queries(4):
        as_agent.get(page(source))
