"""The audit log page (portal/audit/views.py), for admins only."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_only_admins_see_the_log_and_it_filters(client, admin_user, agent, contact_a):
    url = reverse("audit:log")
    for user in (agent, contact_a):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"email": "x@acme.test", "password": "errada"})
    client.force_login(admin_user)
    response = client.get(url, {"action": "login_failed"})
    assert "x@acme.test" in response.content.decode()
    assert response.context["page"].paginator.count == 1


def test_a_visitor_is_sent_to_login(client):
    response = client.get(reverse("audit:log"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
