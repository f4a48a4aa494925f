"""The indexes the list pages rely on exist in the database (on SQLite and PostgreSQL).

A test cannot seed 100,000 requests to see the plans; ``python -m tools explain_lists`` does
that on the benchmark's data (the README shows its output).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from portal.tickets.search_schema import SQLITE_TABLES, SQLITE_TRIGGERS
from tests.support.factories import open_ticket
from tools import explain_lists

pytestmark = pytest.mark.django_db

LIST_INDEXES = {
    "request_recent",
    "request_company_recent",
    "request_company_status_recent",
    "request_status_recent",
    "request_dept_status_recent",
    "request_service_status_recent",
    "request_priority_status_recent",
    "request_assignee_status_recent",
    "request_open_deadline",
}


def constraints(table: str) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def test_every_filter_and_sort_of_the_lists_has_its_index():
    assert set(constraints("tickets_ticket")) >= LIST_INDEXES
    timeline = {"message_request_time", "event_request_time"}
    assert timeline <= set(constraints("tickets_message")) | set(constraints("tickets_event"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search index")
def test_postgresql_searches_stored_vectors_through_gin_indexes():
    assert constraints("tickets_ticket")["request_search"]["type"] == "gin"
    assert constraints("tickets_message")["message_search"]["type"] == "gin"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's search index")
def test_sqlite_searches_fts5_tables_kept_by_triggers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        names = {row[0] for row in cursor.fetchall()}
    assert set(SQLITE_TABLES) | set(SQLITE_TRIGGERS) <= names


def test_explain_lists_runs_every_list_query(contact_a, agent, catalog, capsys):
    open_ticket(contact_a, subject="Relatório")
    # With three rows a full scan is the right plan: only report here.
    call_command(
        explain_lists.Command(),
        contact=contact_a.email,
        agent=agent.email,
        search="relatorio",
        report_only=True,
    )
    out = capsys.readouterr().out
    for name in ("client list, first page", "queue, two filters", "request page, messages"):
        assert f"== {name}" in out
