"""What the accounts middlewares do to every page (portal/accounts/middleware.py): the
language of the account or of the visitor's choice, a password to choose before any
other page, and sessions that end with the company's access (the backend's get_user)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.accounts.models import User
from tests.support.factories import legacy_invited_contact

pytestmark = pytest.mark.django_db


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


def test_a_temporary_password_from_before_requires_a_new_password_before_any_other_page(
    client, company_a
):
    password = "Temporaria-K7p2"
    legacy_invited_contact(company_a, password=password)
    response = client.post(
        reverse("accounts:login"), {"email": "novo@acme.test", "password": password}
    )
    assert response.status_code == 302
    required = reverse("accounts:password_change_required")
    for url in (reverse("core:home"), reverse("accounts:account"), "/qualquer/"):
        assert client.get(url)["Location"] == required
    weak = client.post(required, {"new_password1": "123", "new_password2": "123"})
    assert "Esta senha é muito curta" in weak.content.decode()
    response = client.post(
        required, {"new_password1": "Girassol-azul-42", "new_password2": "Girassol-azul-42"}
    )
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home"), follow=True).status_code == 200
    user = User.objects.get(email="novo@acme.test")
    assert not user.must_change_password and user.temporary_password_expires_at is None
    assert user.check_password("Girassol-azul-42")


def test_open_sessions_end_when_the_company_is_deactivated(client, contact_a):
    client.force_login(contact_a)
    assert client.get(reverse("accounts:account")).status_code == 200
    contact_a.company.is_active = False
    contact_a.company.save()
    assert client.get(reverse("accounts:account"))["Location"].startswith(reverse("accounts:login"))
    contact_a.company.is_active = True
    contact_a.company.save()
    client.force_login(contact_a)
    assert client.get(reverse("accounts:account")).status_code == 200
