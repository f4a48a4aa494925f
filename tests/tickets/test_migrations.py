# ruff: noqa: E501 - the seed and check scripts below are SQL and code run in another process
"""Upgrading a database made before the app was called ``tickets`` keeps every row.

The database is built as an old install had it: migrations 0001-0007 applied and
recorded under the label ``requests``, with the tables ``requests_*``, a few tickets,
messages, clocks and e-mails written to them. Then ``migrate`` runs as an upgrade
would, in a separate process on a scratch database of the vendor under test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

OLD_APPS = [
    ("tickets", "0007_list_indexes"),
    ("commitments", "0001_initial"),
    ("notifications", "0002_outboundemail_request_emailoptout_inboundemail"),
    ("workspace", "0001_initial"),
]

# Rows as the old code wrote them, straight into the old tables.
SEED = r"""
import json
from django.db import connection
from django.utils import timezone
now = timezone.now().isoformat()
with connection.cursor() as c:
    c.execute("INSERT INTO companies_company (name, is_active, created_at) VALUES ('ACME', true, %s)", [now])
    c.execute("SELECT id FROM companies_company WHERE name = 'ACME'"); company = c.fetchone()[0]
    c.execute(
        "INSERT INTO accounts_user (password, is_superuser, email, name, role, company_id, language,"
        " is_active, sees_own_requests_only, must_change_password, date_joined)"
        " VALUES ('!', false, 'ana@acme.test', 'Ana', 'contact', %s, 'pt-br', true, false, false, %s)",
        [company, now])
    c.execute("SELECT id FROM accounts_user"); ana = c.fetchone()[0]
    for table in ("department", "service", "priority"):
        c.execute(f"INSERT INTO requests_{table} (name, position, is_active) VALUES ('Geral', 1, true)")
    c.execute("SELECT id FROM requests_department"); dept = c.fetchone()[0]
    c.execute("SELECT id FROM requests_service"); serv = c.fetchone()[0]
    c.execute("SELECT id FROM requests_priority"); prio = c.fetchone()[0]
    for number in (1, 2, 5):
        c.execute(
            "INSERT INTO requests_request (number, company_id, opened_by_id, subject, department_id,"
            " service_id, priority_id, deadline, original_deadline, status, created_at,"
            " last_activity_at) VALUES (%s, %s, %s, %s, %s, %s, %s, '2030-01-01', '2030-01-01',"
            " 'open', %s, %s)",
            [number, company, ana, f"Relatório número {number}", dept, serv, prio, now, now])
        c.execute("SELECT id FROM requests_request WHERE number = %s", [number]); ticket = c.fetchone()[0]
        c.execute(
            "INSERT INTO requests_message (request_id, author_id, body, is_internal, created_at)"
            " VALUES (%s, %s, 'Precisamos das peças da campanha', false, %s)", [ticket, ana, now])
        c.execute(
            "INSERT INTO commitments_clock (request_id, kind, state, started_at, due_at, remaining_seconds, stopped_at, warned_soon_at, warned_late_at)"
            " VALUES (%s, 'first_response', 'running', %s, %s, NULL, NULL, NULL, NULL)", [ticket, now, now])
        c.execute(
            "INSERT INTO notifications_outboundemail (kind, to_address, subject, body_text, body_html,"
            " headers, message_id, request_id, status, attempts, last_error, created_at)"
            " VALUES ('request-opened', 'ana@acme.test', 's', 'b', '', '{}', %s, %s, 'sent', 1, '', %s)",
            [f"<m{number}@x>", ticket, now])
    c.execute("INSERT INTO requests_counter (name, value) VALUES ('request', 5)")
    # What the migration table of an old install said.
    c.execute("UPDATE django_migrations SET app = 'requests' WHERE app = 'tickets'")
    c.execute("UPDATE django_content_type SET app_label = 'requests' WHERE app_label = 'tickets'")
print("seeded")
"""

CHECK = r"""
import json
from portal.commitments.models import Clock
from portal.notifications.models import OutboundEmail
from portal.tickets.models import Counter, Department, Message, Ticket
from portal.tickets.search import search
tickets = Ticket.objects.order_by("number")
print(json.dumps({
    "numbers": list(tickets.values_list("number", flat=True)),
    "messages": Message.objects.filter(ticket__in=tickets).count(),
    "clocks": Clock.objects.filter(ticket__in=tickets).count(),
    "emails": sorted(OutboundEmail.objects.values_list("ticket__number", flat=True)),
    "counter": list(Counter.objects.values_list("name", "value")),
    "found": list(search(Ticket.objects.all(), "relatorio", internal=False).values_list("number", flat=True).order_by("number")),
    "found_in_messages": search(Ticket.objects.all(), "campanha", internal=False).count(),
    "departments": sorted(Department.objects.values_list("name", flat=True)),
}))
"""


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def scratch_env(tmp_path):
    """The environment of a process that works on an empty database of the current vendor."""
    env = {
        **os.environ,
        "PORTAL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(tmp_path / "old-install.sqlite3")
        yield env
        return
    import psycopg

    name = f"upgrade_{uuid.uuid4().hex[:12]}"
    settings = connection.settings_dict
    admin = psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
        password=settings["PASSWORD"], dbname="postgres", autocommit=True,
    )  # fmt: skip
    admin.execute(f'CREATE DATABASE "{name}"')
    user, host, port = settings["USER"], settings["HOST"], settings["PORT"] or 5432
    env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{name}"
    try:
        yield env
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_an_install_from_before_the_rename_upgrades_with_every_row_and_number(scratch_env):
    for app, migration in OLD_APPS:
        _manage(scratch_env, "migrate", app, migration, "--noinput", "-v", "0")
    assert "seeded" in _manage(scratch_env, "shell", "-c", SEED)

    _manage(scratch_env, "migrate", "--noinput", "-v", "0")

    after = json.loads(_manage(scratch_env, "shell", "-c", CHECK).strip().splitlines()[-1])
    assert after["numbers"] == [1, 2, 5]
    assert after["messages"] == 3 and after["clocks"] == 3
    assert after["emails"] == [1, 2, 5]
    assert after["counter"] == [["ticket", 5]]
    assert after["found"] == [1, 2, 5]  # the search index followed its tables
    assert after["found_in_messages"] == 3
    # The guide's catalogue joined the department the install already had.
    assert after["departments"] == ["Atendimento", "Financeiro", "Geral"]
    # Nothing is left for makemigrations to do.
    assert "No changes detected" in _manage(scratch_env, "makemigrations", "--check", "--dry-run")
