from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import LoginAttempt
from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def post_login(client, email, password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


def test_it_shows_the_guide_wording_with_the_agency_name_from_settings(client, settings):
    body = client.get(LOGIN).content.decode()
    assert "Bem-vindo/a ao CRM da Zwei Arts!" in body
    assert "Para acessar, insira seu e-mail e sua senha." in body
    assert ">E-mail" in body and ">Senha" in body
    assert "Esqueceu a Senha?" in body
    settings.AGENCY_NAME = "Agência Exemplo"
    assert "Bem-vindo/a ao CRM da Agência Exemplo!" in client.get(LOGIN).content.decode()


def test_it_logs_in_with_the_email_in_any_case(client, contact_a):
    response = post_login(client, "  ANA@Acme.TEST ")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(contact_a.pk)


def test_it_rotates_the_session_key_at_login(client, contact_a):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    post_login(client, contact_a.email)
    assert client.session.session_key != before


def test_it_says_the_same_for_a_wrong_password_and_an_unknown_email(client, contact_a):
    wrong = post_login(client, contact_a.email, "not-the-password").content.decode()
    unknown = post_login(client, "nobody@acme.test", "not-the-password").content.decode()
    message = "E-mail ou senha incorretos. Confira e tente novamente."
    assert message in wrong and message in unknown


def test_it_refuses_a_deactivated_contact(client, contact_a):
    contact_a.is_active = False
    contact_a.save()
    response = post_login(client, contact_a.email)
    assert response.status_code == 200
    assert "Este acesso foi desativado" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_shows_field_errors_next_to_the_fields(client):
    response = client.post(LOGIN, {"email": "not-an-email", "password": ""})
    body = response.content.decode()
    assert "Informe um endereço de email válido." in body
    assert "Este campo é obrigatório." in body


def test_it_blocks_an_email_after_repeated_failures(client, contact_a, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = 3
    for _ in range(3):
        post_login(client, contact_a.email, "wrong")
    response = post_login(client, contact_a.email)  # even the right password
    assert "Muitas tentativas sem sucesso" in response.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert post_login(client, contact_a.email).status_code == 302


def test_it_blocks_an_address_after_repeated_failures(client, contact_a, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    for n in range(4):
        post_login(client, f"guess{n}@acme.test", "wrong", REMOTE_ADDR="203.0.113.9")
    blocked = post_login(client, contact_a.email, REMOTE_ADDR="203.0.113.9")
    assert "Muitas tentativas sem sucesso" in blocked.content.decode()
    assert post_login(client, contact_a.email, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_it_records_every_attempt(client, contact_a):
    post_login(client, contact_a.email, "wrong", REMOTE_ADDR="203.0.113.5")
    post_login(client, contact_a.email, REMOTE_ADDR="203.0.113.5")
    attempts = list(LoginAttempt.objects.order_by("pk").values_list("succeeded", "ip_address"))
    assert attempts == [(False, "203.0.113.5"), (True, "203.0.113.5")]


def test_it_ignores_a_next_that_leaves_the_site(client, contact_a):
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"email": contact_a.email, "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_it_follows_a_local_next(client, contact_a):
    account = reverse("accounts:account")
    response = client.post(
        LOGIN, {"email": contact_a.email, "password": TEST_PASSWORD, "next": account}
    )
    assert response["Location"] == account


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_it_logs_out_with_a_post(client, contact_a):
    client.force_login(contact_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_argon2_in_production():
    from portal import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
