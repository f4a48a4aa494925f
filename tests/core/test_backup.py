# ruff: noqa: E501 - the seed and check scripts below are code run in another process
"""A backup brought back into an empty install finds every request, message and file.

Each step runs as an operator would run it, in its own process on a scratch database of
the vendor under test (a SQLite file, or a PostgreSQL database created and dropped
here): migrate, data written through the use cases, ``manage.py backup``; then a new
empty install (another database, another MEDIA_ROOT), ``manage.py restore``, and the
rows and bytes compared with what was written.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

SEED = r"""
import datetime
from django.utils import timezone
from portal.tickets.services import ticket_answer, ticket_open
from portal.tickets.uploads import check_file
from tests.support.factories import AgentFactory, CompanyFactory, ContactFactory, DepartmentFactory, PriorityFactory, ServiceFactory
from tests.support.files import pdf_upload, png_upload, upload

ana = ContactFactory(company=CompanyFactory(name="ACME"), email="ana@acme.test", name="Ana")
marina = ContactFactory(company=CompanyFactory(name="Boreal"), email="marina@boreal.test", name="Marina")
bruno = AgentFactory(email="bruno@zweiarts.test", name="Bruno")
for number, author in enumerate([ana, marina, ana], start=1):
    ticket = ticket_open(
        author=author, subject=f"Pedido {number} — Relatório", department=DepartmentFactory(),
        service=ServiceFactory(), priority=PriorityFactory(), body=f"Mensagem inicial {number}",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        files=[check_file(pdf_upload(f"briefing-{number}.pdf")), check_file(png_upload(f"foto-{number}.png"))],
    )
    ticket_answer(ticket=ticket, author=bruno, body=f"Resposta da equipe {number}",
                  files=[check_file(upload(f"notas-{number}.txt", f"notas {number} ç".encode()))])
    ticket_answer(ticket=ticket, author=bruno, body=f"Nota interna {number}", internal=True)
print("seeded")
"""

# Everything a restore must bring back: each request, each message, each file's bytes
# (read through the storage, from the install's own MEDIA_ROOT).
STATE = r"""
import hashlib, json
from portal.tickets.models import Attachment, Message, Ticket
print(json.dumps({
    "tickets": [[t.number, t.subject, t.company.name, t.status] for t in Ticket.objects.order_by("number")],
    "messages": [[m.ticket.number, m.author.email, m.body, m.is_internal] for m in Message.objects.order_by("pk")],
    "files": [
        [a.message.body, a.original_name, a.file.name, a.size, hashlib.sha256(a.file.open("rb").read()).hexdigest()]
        for a in Attachment.objects.order_by("pk")
    ],
}))
"""


def _manage(env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if ok:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def _state(env: dict) -> dict:
    return json.loads(_manage(env, "shell", "-c", STATE).stdout.strip().splitlines()[-1])


@pytest.fixture
def install(tmp_path) -> Iterator:
    """Makes empty installs of the current vendor: each a database and a MEDIA_ROOT."""
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
    }
    created: list[str] = []
    admin = None
    if connection.vendor == "postgresql":
        import psycopg

        assert shutil.which("pg_dump") and shutil.which("pg_restore"), (
            "the PostgreSQL backup needs pg_dump and pg_restore: apt-get install postgresql-client"
        )
        db = connection.settings_dict
        admin = psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
            password=db["PASSWORD"], dbname="postgres", autocommit=True,
        )  # fmt: skip

    def make(name: str) -> dict:
        env = {**base, "MEDIA_ROOT": str(tmp_path / name / "media")}
        if admin is None:
            env.pop("DATABASE_URL", None)
            env["SQLITE_PATH"] = str(tmp_path / name / "portal.sqlite3")
            (tmp_path / name).mkdir()
        else:
            database = f"test_backup_{name}_{uuid.uuid4().hex[:10]}"
            admin.execute(f'CREATE DATABASE "{database}"')
            created.append(database)
            db = connection.settings_dict
            env["DATABASE_URL"] = (
                f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{database}"
            )
        _manage(env, "migrate", "--noinput", "-v", "0")
        return env

    try:
        yield make
    finally:
        if admin is not None:
            for database in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.close()


def test_a_backup_restored_into_an_empty_install_has_every_request_message_and_file(
    install, tmp_path
):
    old = install("old")
    assert "seeded" in _manage(old, "shell", "-c", SEED).stdout
    before = _state(old)
    assert len(before["tickets"]) == 3 and len(before["messages"]) == 9
    assert len(before["files"]) == 9

    archive = tmp_path / "portal.tar.gz"
    written = _manage(old, "backup", "--output", str(archive)).stdout
    assert f"{archive}:" in written and "9 files" in written

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = set(tar.getnames())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"]["tickets.Ticket"] == 3
    assert manifest["counts"]["tickets.Message"] == 9
    assert manifest["counts"]["tickets.Attachment"] == 9
    assert manifest["migrations"]["tickets"] and manifest["migrations"]["accounts"]
    assert {f"files/{name}" for _, _, name, _, _ in before["files"]} <= names
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == {
        name: sha for _, _, name, _, sha in before["files"]
    }

    new = install("new")
    restored = _manage(new, "restore", str(archive))
    assert "verified" in restored.stdout and "9 files written" in restored.stdout
    assert _state(new) == before

    # The install is no longer empty: a second restore is refused and changes nothing.
    again = _manage(new, "restore", str(archive), ok=False)
    assert again.returncode != 0 and "already has people or requests" in again.stderr
    assert _state(new) == before


def test_it_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(__file__, arcname="notes.py")
    with pytest.raises(CommandError, match="not a portal backup"):
        call_command("restore", str(other))


def test_it_refuses_a_backup_of_the_other_kind_of_database(db, tmp_path):
    archive = tmp_path / "b.tar"
    manifest = {"version": 1, "database": {"vendor": "oracle", "file": "database/x"}}
    with tarfile.open(archive, "w") as tar:
        path = tmp_path / "manifest.json"
        path.write_text(json.dumps(manifest))
        tar.add(path, arcname="manifest.json")
    with pytest.raises(CommandError, match="same kind of database"):
        call_command("restore", str(archive))
