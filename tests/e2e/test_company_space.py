"""Issue 14 in a real browser: a company admin invites a colleague in Minha empresa, and
a colleague copied on a request (Seguidores) gets its update, in the portal's bell too."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.notifications.models import Notification, OutboundEmail
from tests.e2e.helpers import log_in, page_problems
from tests.support.factories import open_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_company_admin_invites_a_colleague_on_a_phone(phone_page, contact_a, john):
    User.objects.filter(pk=contact_a.pk).update(is_company_admin=True)
    page = phone_page
    log_in(page, contact_a.email)
    page.get_by_role("link", name="MINHA EMPRESA").click()
    expect(page.get_by_role("heading", name="Minha empresa")).to_be_visible()
    expect(page.get_by_text("john@acme.test")).to_be_visible()
    assert not page_problems(page), page_problems(page)
    invite = page.locator("#invite")
    invite.get_by_role("button", name="Convidar colega").click()
    expect(invite.get_by_text("Este campo é obrigatório.").first).to_be_visible()
    invite.get_by_label("Nome").fill("Carla Nova")
    invite.get_by_label("E-mail").fill("carla@acme.test")
    invite.get_by_role("button", name="Convidar colega").click()
    expect(page.get_by_text("Convite enviado para carla@acme.test")).to_be_visible()
    expect(page.get_by_text("carla@acme.test", exact=True)).to_be_visible()
    carla = User.objects.get(email="carla@acme.test")
    assert carla.company_id == contact_a.company_id and carla.awaits_first_access
    assert OutboundEmail.objects.filter(kind="access", to_address="carla@acme.test").exists()


def test_a_follower_gets_the_update_and_reads_it_from_the_bell(new_page, contact_a, nara, agent):
    ticket = open_ticket(contact_a, subject="Campanha de inverno")
    ana = new_page()
    log_in(ana, contact_a.email)
    ana.goto(reverse("tickets:detail", args=[ticket.number]))
    followers = ana.locator("#followers")
    followers.locator("summary").click()
    followers.get_by_label("Adicionar seguidores").select_option(label="Nara Lima")
    followers.get_by_role("button", name="Adicionar").click()
    expect(ana.get_by_text("Seguidores adicionados.")).to_be_visible()
    expect(ana.locator(".follower-list")).to_contain_text("Nara")

    staff = new_page()
    log_in(staff, agent.email)
    staff.goto(reverse("workspace:ticket", args=[ticket.number]))
    staff.get_by_label("Mensagem").fill("Primeira versão da campanha.")
    staff.get_by_role("button", name="Enviar").click()
    expect(staff.get_by_text("Mensagem adicionada.")).to_be_visible()

    assert OutboundEmail.objects.filter(kind="request-answer", to_address=nara.email).exists()
    nara_page = new_page()
    log_in(nara_page, nara.email)
    bell = nara_page.locator(".bell")
    expect(bell.locator(".bell-count")).to_have_text("1 não lidas")
    bell.click()
    nara_page.get_by_role("link", name="nova resposta").click()
    expect(nara_page.get_by_text("Primeira versão da campanha.")).to_be_visible()
    assert nara_page.url.endswith(f"/atendimento/{ticket.number}/")
    assert Notification.objects.get(user=nara, kind="request-answer").read_at is not None
    expect(nara_page.locator(".bell-count")).to_have_count(0)
