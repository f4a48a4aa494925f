from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_a_friendly_404_in_portuguese(client, settings, contact_a):
    settings.DEBUG = False
    client.force_login(contact_a)
    response = client.get("/nao-existe/")
    assert response.status_code == 404
    assert "Página não encontrada" in response.content.decode()


def test_a_server_error_shows_no_stack_trace(client, settings):
    from portal.core import errors

    response = errors.server_error(None)
    body = response.content.decode()
    assert response.status_code == 500
    assert "Algo deu errado" in body and "Traceback" not in body


def test_home_leads_a_contact_to_atendimento_and_staff_to_the_queue(client, contact_a, agent):
    client.force_login(contact_a)
    response = client.get(reverse("core:home"), follow=True)
    assert response.redirect_chain == [(reverse("tickets:list"), 302)]
    assert "ATENDIMENTO" in response.content.decode()
    client.force_login(agent)
    assert client.get(reverse("core:home"))["Location"] == reverse("workspace:queue")


def test_english_is_available(client, contact_a):
    contact_a.language = "en"
    contact_a.save()
    client.force_login(contact_a)
    body = client.get(reverse("accounts:account")).content.decode()
    assert "My account" in body and 'lang="en"' in body


def test_pt_br_is_the_default_even_for_an_english_browser(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Bem-vindo/a ao CRM da Zwei Arts!" in response.content.decode()
    assert response["Content-Language"] == "pt-br"


def test_a_visitor_can_switch_the_login_page_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/entrar/"})
    response = client.get(reverse("accounts:login"))
    assert "Welcome to the Zwei Arts CRM!" in response.content.decode()
