"""Mesclar in a real browser: an agent merges a request into another from its page,
confirms on the page that names both, lands on the other one; the client's old link
leads there too. Checked at a desktop's and a phone's width."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.tickets.models import Message, Ticket
from tests.e2e.helpers import DESKTOP, PHONE, log_in, page_problems
from tests.support.factories import open_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(DESKTOP, id="1280px"), pytest.param(PHONE, id="375px")]


@pytest.mark.parametrize("viewport", WIDTHS)
def test_an_agent_merges_and_the_client_is_led_to_the_other_request(
    new_page, viewport, contact_a, agent, catalog
):
    source = open_ticket(contact_a, subject="Banner da promoção", body="O banner é para sexta.")
    target = open_ticket(contact_a, subject="Campanha de verão")
    staff = new_page(viewport)
    log_in(staff, agent.email)
    staff.goto(reverse("workspace:ticket", args=[source.number]))
    panel = staff.locator("#merge")
    panel.get_by_text("Mesclar esta solicitação em outra").click()
    number = panel.get_by_label("Mesclar nesta solicitação: nº")
    # A number that is not one of this company's: the error beside the field, nothing done.
    number.fill("999")
    panel.get_by_role("button", name="Mesclar…").click()
    expect(staff.locator("#merge .errors")).to_have_text(
        "Nenhuma solicitação desta empresa tem este número."
    )
    assert page_problems(staff) == []
    staff.locator("#merge").get_by_label("Mesclar nesta solicitação: nº").fill(str(target.number))
    staff.locator("#merge").get_by_role("button", name="Mesclar…").click()
    # The confirmation names both requests.
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        f"Mesclar a #{source.number} na #{target.number}?"
    )
    expect(staff.get_by_text("Banner da promoção")).to_be_visible()
    expect(staff.get_by_text("Campanha de verão")).to_be_visible()
    assert page_problems(staff) == []
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()
    staff.get_by_role("button", name=f"Mesclar na #{target.number}").click()
    expect(staff).to_have_url(
        re.compile(re.escape(reverse("workspace:ticket", args=[target.number])) + "$")
    )
    notice = f"A solicitação #{source.number} foi mesclada na #{target.number}."
    expect(staff.get_by_text(notice)).to_be_visible()
    expect(staff.get_by_text("O banner é para sexta.")).to_be_visible()
    assert Message.objects.filter(ticket=target).count() == 2

    client = new_page(viewport)
    log_in(client, contact_a.email)
    client.goto(reverse("tickets:detail", args=[source.number]))
    expect(client).to_have_url(
        re.compile(re.escape(reverse("tickets:detail", args=[target.number])) + "$")
    )
    expect(client.get_by_text(notice)).to_be_visible()
    expect(client.get_by_text("O banner é para sexta.")).to_be_visible()
