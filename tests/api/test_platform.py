"""What every endpoint shares: the schema and its docs page, throttling, query budgets."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.factories import open_ticket

LIST = "/api/v1/requests"


def test_openapi_schema_lists_the_paths(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/requests",
        "/api/v1/requests/{number}",
        "/api/v1/requests/{number}/messages",
        "/api/v1/requests/{number}/status",
        "/api/v1/requests/{number}/assignment",
        "/api/v1/requests/{number}/classification",
        "/api/v1/requests/{number}/deadline-proposals",
        "/api/v1/requests/{number}/followers",
        "/api/v1/attachments/{attachment_id}",
        "/api/v1/companies",
        "/api/v1/contacts/{contact_id}",
    ):
        assert path in schema["paths"], path
    assert (
        "BearerAuth" in json.dumps(schema["components"]["securitySchemes"])
        or (schema["components"]["securitySchemes"])
    )


def test_docs_page_runs_under_the_portals_csp(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # Every script is a file of the portal's own, or JSON data (never run).
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert "cdn" not in html.lower() and "https://" not in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


def test_throttled_per_key(as_user, contact_a, contact_b, settings, db):
    settings.API_THROTTLE_RATE = "3/min"
    api, other = as_user(contact_a), as_user(contact_b)
    assert [api.get(LIST).status_code for _ in range(3)] == [200, 200, 200]
    response = api.get(LIST)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert set(response.json()) == {"detail", "errors"}
    assert other.get(LIST).status_code == 200  # another key has its own count


def count_queries(api, url) -> int:
    api.get(url)  # warm: the key's last use is written once a minute at most
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["contact_a", "agent"])
def test_list_query_count_does_not_grow_with_rows(request, as_user, who, contact_a, catalog):
    api = as_user(request.getfixturevalue(who))
    open_ticket(contact_a)
    few = count_queries(api, LIST)
    for _ in range(6):
        open_ticket(contact_a)
    assert count_queries(api, LIST) == few
    assert few <= 3


def test_detail_and_messages_query_counts_are_fixed(as_user, contact_a, john, agent, catalog):
    from portal.tickets.services import ticket_answer
    from portal.tickets.uploads import check_files
    from tests.support.files import png_upload

    ticket = open_ticket(contact_a)
    api = as_user(agent)
    detail, messages = f"{LIST}/{ticket.number}", f"{LIST}/{ticket.number}/messages"
    before = count_queries(api, detail), count_queries(api, messages)
    for index in range(4):
        ticket_answer(
            ticket=ticket, author=agent, body=f"m{index}", files=check_files([png_upload()])
        )
    api.post(f"{detail}/followers", {"users": [john.pk]})
    assert (count_queries(api, detail), count_queries(api, messages)) == before
