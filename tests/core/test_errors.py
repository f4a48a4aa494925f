"""The error pages (portal/core/errors.py)."""

from __future__ import annotations

import pytest

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
