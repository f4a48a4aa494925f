"""Intake per service in a real browser: a client picks a service, its own fields appear
(or, without JavaScript, come as a second step), and the request keeps the answers."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from portal.tickets.catalog import service_field_save
from portal.tickets.models import Service, ServiceField, Ticket
from tests.e2e.helpers import DESKTOP, PHONE, log_in, page_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEXT_YEAR = datetime.date.today().year + 1
Kind = ServiceField.Kind


def add_field(service_name: str, label: str, kind: str, *, required: bool, choices: str = ""):
    service = Service.objects.get(name=service_name)
    return service_field_save(
        ServiceField(service=service),
        label=label,
        kind=kind,
        required=required,
        help_text="",
        choices=choices,
        position=service.intake_fields.count() + 1,
        is_active=True,
    )


@pytest.fixture
def service_fields(catalog):
    choices = "Instagram\nFacebook\nLinkedIn\nTikTok"
    add_field("Redes Sociais", "Rede social", Kind.CHOICE, required=True, choices=choices)
    add_field("Redes Sociais", "Data da publicação", Kind.DATE, required=False)
    add_field("Atualização / Website", "Endereço da página", Kind.URL, required=True)


def fill_the_usual_fields(page: Page, service: str) -> None:
    page.get_by_label("Assunto").fill("Posts da campanha de inverno")
    page.get_by_label("Departamento").select_option(label="Atendimento")
    page.get_by_label("Serviços").select_option(label=service)
    page.get_by_label("Prioridade").select_option(label="Alta")
    page.get_by_label("Prazo").fill(f"{NEXT_YEAR}-06-20")
    page.get_by_label("Mensagem").fill("Três posts com as fotos novas.")


def test_the_chosen_service_shows_its_fields_and_the_request_keeps_the_answers(
    new_page, contact_a, service_fields
):
    page = new_page(DESKTOP)
    log_in(page, contact_a.email)
    page.goto("/atendimento/nova/")
    network = page.get_by_label("Rede social")
    address = page.get_by_label("Endereço da página")
    expect(network).to_be_hidden()
    expect(address).to_be_hidden()

    fill_the_usual_fields(page, "Atualização / Website")
    expect(address).to_be_visible()
    expect(network).to_be_hidden()
    page.get_by_label("Endereço da página").fill("https://acme.test/inverno")
    page.get_by_label("Serviços").select_option(label="Redes Sociais")  # changed her mind
    expect(network).to_be_visible()
    expect(page.get_by_label("Data da publicação")).to_be_visible()
    expect(address).to_be_hidden()
    assert page_problems(page) == []

    page.get_by_role("button", name="Salvar").click()  # "Rede social" left empty
    field = page.locator(".field", has=page.get_by_label("Rede social"))
    expect(field.locator(".errors")).to_have_text("Este campo é obrigatório.")
    expect(page.get_by_label("Assunto")).to_have_value("Posts da campanha de inverno")
    assert not Ticket.objects.exists()

    page.get_by_label("Rede social").select_option(label="Instagram")
    page.get_by_label("Data da publicação").fill(f"{NEXT_YEAR}-06-15")
    page.get_by_role("button", name="Salvar").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Posts da campanha de inverno")
    facts = page.locator(".request-facts")
    expect(facts).to_contain_text("Rede social")
    expect(facts).to_contain_text("Instagram")
    expect(facts).to_contain_text(f"15 de junho de {NEXT_YEAR}")
    ticket = Ticket.objects.get()
    # The website's field was hidden, so not sent.
    assert list(ticket.field_answers.values_list("label", "value")) == [
        ("Rede social", "Instagram"),
        ("Data da publicação", f"{NEXT_YEAR}-06-15"),
    ]


def test_without_javascript_the_fields_come_in_a_second_step(
    browser, site, contact_a, service_fields
):
    # Playwright's own checks still work; page scripts (ours, and axe's) do not run.
    context = browser.new_context(
        base_url=site, viewport=PHONE, locale="pt-BR", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, contact_a.email)
        page.goto("/atendimento/nova/")
        expect(page.get_by_label("Endereço da página")).to_be_hidden()
        fill_the_usual_fields(page, "Atualização / Website")
        page.get_by_role("button", name="Salvar").click()

        expect(page.get_by_text("Este serviço pede mais algumas informações.")).to_be_visible()
        address = page.get_by_label("Endereço da página")
        expect(address).to_be_visible()
        expect(page.get_by_text("Este campo é obrigatório.")).to_have_count(0)
        expect(page.get_by_label("Mensagem")).to_have_value("Três posts com as fotos novas.")
        address.fill("acme.test/inverno")
        page.get_by_role("button", name="Salvar").click()

        expect(page.get_by_role("heading", level=1)).to_contain_text("Posts da campanha")
        link = page.locator(".request-facts").get_by_role("link", name=re.compile("acme.test"))
        expect(link).to_have_attribute("href", "https://acme.test/inverno")
    finally:
        context.close()
