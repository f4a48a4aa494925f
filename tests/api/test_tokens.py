"""Personal access tokens: created and revoked in Minha conta, shown once, stored hashed,
scoped, expiring; the API refuses every key that no longer works with a 401 in JSON."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from portal.api.models import AccessToken
from portal.api.services import token_create, token_revoke
from portal.audit.models import AuditEntry
from tests.api.conftest import ApiClient
from tests.support.factories import open_ticket

TOKENS = "/conta/api/"
LIST = "/api/v1/requests"


def test_the_page_shows_a_new_key_once_and_stores_only_its_hash(client, contact_a):
    client.force_login(contact_a)
    response = client.post(TOKENS, {"name": "Planilha", "scope": "read"})
    assert response.status_code == 200
    key = response.context["created"].key
    assert key.startswith("zwp_") and key in response.content.decode()
    token = AccessToken.objects.get(user=contact_a)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in repr(list(AccessToken.objects.values()))  # never stored clear
    # Shown once: the list afterwards names the key by its prefix only.
    page = client.get(TOKENS).content.decode()
    assert key not in page and token.prefix in page and "Planilha" in page
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS_CHANGED, actor=contact_a, detail__api_key="created"
    ).exists()


def test_the_page_checks_the_name_and_the_date_in_the_users_language(client, contact_a):
    client.force_login(contact_a)
    response = client.post(TOKENS, {"name": "", "scope": "read", "expires_on": "31/02/2026"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["name"] == ["Este campo é obrigatório."]
    assert "10/12/2026" in form.errors["expires_on"][0]
    assert not AccessToken.objects.exists()


def test_an_expiry_date_is_typed_dd_mm_yyyy_and_lasts_that_whole_day(client, contact_a):
    client.force_login(contact_a)
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC), tick=False):
        response = client.post(
            TOKENS, {"name": "CI", "scope": "read_write", "expires_on": "20/03/2026"}
        )
        key = response.context["created"].key
        assert ApiClient(key).get(LIST).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 3, 21, 2, 0, tzinfo=datetime.UTC)):
        # 20/03 23:00 in São Paulo: still that day.
        assert ApiClient(key).get(LIST).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 3, 21, 4, 0, tzinfo=datetime.UTC)):
        response = ApiClient(key).get(LIST)
    assert response.status_code == 401
    assert response.json()["detail"] and response.json()["errors"] == {}


def test_a_date_in_the_past_is_refused(client, contact_a):
    client.force_login(contact_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        TOKENS, {"name": "Old", "scope": "read", "expires_on": yesterday.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["expires_on"]


def test_revoking_stops_the_key_at_once_and_is_audited(client, contact_a):
    created = token_create(user=contact_a, name="Zap", scope="read")
    api = ApiClient(created.key)
    assert api.get(LIST).status_code == 200
    client.force_login(contact_a)
    response = client.post(reverse("api:revoke", args=[created.token.pk]))
    assert response.status_code == 302
    assert api.get(LIST).status_code == 401
    assert AuditEntry.objects.filter(detail__api_key="revoked", actor=contact_a).count() == 1
    assert "revogada" in client.get(TOKENS).content.decode()


def test_nobody_revokes_another_persons_key(client, contact_a, contact_b):
    created = token_create(user=contact_a, name="Zap", scope="read")
    client.force_login(contact_b)
    assert client.post(reverse("api:revoke", args=[created.token.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        token_revoke(token=created.token, actor=contact_b)
    assert ApiClient(created.key).get(LIST).status_code == 200


def test_the_pages_need_a_signed_in_person(client):
    assert client.get(TOKENS).status_code == 302


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer zwp_nope", "Token abc", "Basic YTpi"],
)
def test_missing_or_unknown_keys_are_401_in_json(client, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(LIST, **extra)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert set(response.json()) == {"detail", "errors"}


def test_a_session_is_not_an_api_key(client, contact_a):
    client.force_login(contact_a)
    assert client.get(LIST).status_code == 401
    assert client.post(LIST, {}).status_code == 401


def test_an_inactive_user_or_company_shuts_the_key(contact_a, company_a):
    key = token_create(user=contact_a, name="k", scope="read").key
    company_a.is_active = False
    company_a.save()
    assert ApiClient(key).get(LIST).status_code == 401
    company_a.is_active = True
    company_a.save()
    contact_a.is_active = False
    contact_a.save()
    assert ApiClient(key).get(LIST).status_code == 401


def test_a_read_key_reads_but_never_writes(contact_a, catalog):
    ticket = open_ticket(contact_a)
    api = ApiClient(token_create(user=contact_a, name="r", scope="read").key)
    assert api.get(f"{LIST}/{ticket.number}").status_code == 200
    response = api.multipart(f"{LIST}/{ticket.number}/messages", {"body": "Oi"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Esta chave de API só pode ler."
    assert ticket.messages.count() == 1


def test_last_used_is_kept(contact_a):
    created = token_create(user=contact_a, name="k", scope="read")
    assert created.token.last_used_at is None
    ApiClient(created.key).get(LIST)
    created.token.refresh_from_db()
    assert created.token.last_used_at is not None
