"""The language chosen on the login page is kept at sign-in (portal/accounts/views.py):
the page after signing in is in that language, and the account keeps it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def sign_in(client, user):
    return client.post(LOGIN, {"email": user.email, "password": TEST_PASSWORD}, follow=True)


def test_english_chosen_on_the_login_page_is_kept_at_sign_in(client, contact_a):
    assert contact_a.language == "pt-br"
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert "Welcome to the Zwei Arts CRM!" in client.get(LOGIN).content.decode()

    response = sign_in(client, contact_a)

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    contact_a.refresh_from_db()
    assert contact_a.language == "en"
    assert client.get(reverse("accounts:account"))["Content-Language"] == "en"


def test_signing_in_without_choosing_keeps_the_account_language(client, contact_a):
    contact_a.language = "en"
    contact_a.save()
    response = sign_in(client, contact_a)
    assert response["Content-Language"] == "en"
    contact_a.refresh_from_db()
    assert contact_a.language == "en"


def test_a_choice_counts_for_one_sign_in_only(client, contact_a, nara):
    # Chosen before Ana signs in; after she leaves, Nara's account is not changed by it.
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    sign_in(client, contact_a)
    client.post(reverse("accounts:logout"))
    response = sign_in(client, nara)
    assert response["Content-Language"] == "pt-br"
    nara.refresh_from_db()
    assert nara.language == "pt-br"
