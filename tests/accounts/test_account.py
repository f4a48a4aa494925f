from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
ACCOUNT = reverse("accounts:account")
PASSWORD = reverse("accounts:account_password")


def test_it_needs_a_login(client):
    assert client.get(ACCOUNT)["Location"].startswith(reverse("accounts:login"))


def test_it_changes_name_and_language(client, contact_a):
    client.force_login(contact_a)
    response = client.post(ACCOUNT, {"name": "Ana Maria", "language": "en"}, follow=True)
    contact_a.refresh_from_db()
    assert contact_a.name == "Ana Maria" and contact_a.language == "en"
    assert "Your details are saved." in response.content.decode()
    assert 'lang="en"' in response.content.decode()


def test_a_blank_name_is_refused_next_to_the_field(client, contact_a):
    client.force_login(contact_a)
    response = client.post(ACCOUNT, {"name": "", "language": "pt-br"})
    assert "Este campo é obrigatório." in response.content.decode()
    contact_a.refresh_from_db()
    assert contact_a.name == "Ana Souza"


def test_it_changes_the_password_and_keeps_the_session_under_a_new_key(client, contact_a):
    client.force_login(contact_a)
    before = client.session.session_key
    response = client.post(
        PASSWORD,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Nova-senha-forte-1",
            "new_password2": "Nova-senha-forte-1",
        },
    )
    assert response.status_code == 302
    contact_a.refresh_from_db()
    assert contact_a.check_password("Nova-senha-forte-1")
    assert client.session.session_key != before
    assert client.get(ACCOUNT).status_code == 200


def test_a_wrong_current_password_changes_nothing(client, contact_a):
    client.force_login(contact_a)
    response = client.post(
        PASSWORD,
        {
            "old_password": "errada",
            "new_password1": "Nova-senha-forte-1",
            "new_password2": "Nova-senha-forte-1",
        },
    )
    assert response.status_code == 400
    assert "Sua senha atual está incorreta." in response.content.decode()
    contact_a.refresh_from_db()
    assert contact_a.check_password(TEST_PASSWORD)


def test_other_sessions_end_when_the_password_changes(client, contact_a):
    from django.test import Client

    other = Client()
    other.force_login(contact_a)
    client.force_login(contact_a)
    client.post(
        PASSWORD,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Nova-senha-forte-1",
            "new_password2": "Nova-senha-forte-1",
        },
    )
    assert other.get(ACCOUNT).status_code == 302
