"""Backups: one archive with the database and the attachments, and its restore.

The archive is a tar (gzipped when its name ends in ``.gz``/``.tgz``) holding:

- ``manifest.json``: the format version, when it was made, the database vendor, the
  latest migration applied per app, counts of the key tables and the file list (name,
  size, SHA-256, and whether the bytes are in the archive);
- ``database/db.sqlite3`` (SQLite's online backup API) or ``database/db.dump``
  (``pg_dump --format=custom``);
- ``files/<name>``: each attachment, read through the storage API. When the storage is
  remote (an S3 bucket has its own copies and versioning) only the list is written.

Both are online: the SQLite backup API copies a consistent state while the portal
writes, and on PostgreSQL the counts and ``pg_dump`` read one exported snapshot, so the
manifest describes exactly the dump. Files are listed after the dump: every file a row
of the dump names is already stored (files are saved before their row commits, and the
hourly sweep removes only files no row names).

This module is infrastructure (``core``): it knows the other apps' tables only by their
model labels, never by importing them.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
# Where the attachments live in the storage (portal/tickets/models.py attachment_path).
ATTACHMENTS_DIR = "attachments"
# The tables whose rows a restore must find again, counted in the same snapshot as the dump.
COUNTED_MODELS = (
    "companies.Company",
    "accounts.User",
    "tickets.Ticket",
    "tickets.Message",
    "tickets.Attachment",
    "notifications.OutboundEmail",
)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Something that makes the backup or the restore impossible, said plainly."""


@dataclass
class Summary:
    """What a backup wrote or a restore brought back."""

    path: Path
    manifest: dict[str, Any]
    files_restored: int = 0
    files_present: int = 0
    problems: list[str] = field(default_factory=list)


# --- Reading the database in one snapshot


def _count_queries() -> dict[str, str]:
    quote = connection.ops.quote_name
    # Table names from the models, never from input.
    return {
        label: f"SELECT COUNT(*) FROM {quote(apps.get_model(label)._meta.db_table)}"  # noqa: S608
        for label in COUNTED_MODELS
    }


def _facts(cursor: Any) -> tuple[dict[str, str], dict[str, int]]:
    """The latest migration applied per app and the counts, read with ``cursor``."""
    cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
    migrations = {app: name for app, name in cursor.fetchall()}
    counts = {}
    for label, query in _count_queries().items():
        cursor.execute(query)
        counts[label] = cursor.fetchone()[0]
    return migrations, counts


# --- PostgreSQL tools


def _server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _tool_major(binary: str) -> int:
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    found = re.search(r"(\d+)(?:\.\d+)?", done.stdout)
    if found is None:
        raise BackupError(f"cannot read the version of {binary}: {done.stdout!r}")
    return int(found.group(1))


def pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore`` able to work with the server: the server's own major
    version under /usr/lib/postgresql (Debian keeps one per installed version), else the
    one on the PATH if it is at least as new (older ones refuse newer servers)."""
    server = _server_major()
    candidates = [f"/usr/lib/postgresql/{server}/bin/{name}", shutil.which(name)]
    for binary in candidates:
        if binary and os.access(binary, os.X_OK) and _tool_major(binary) >= server:
            return binary
    raise BackupError(
        f"no {name} for PostgreSQL {server} was found (looked in /usr/lib/postgresql/"
        f"{server}/bin and on the PATH): install the PostgreSQL {server} client tools "
        f"(Debian: apt-get install postgresql-client-{server})."
    )


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    """The connection of the configured database, for pg_dump/pg_restore. The password
    goes in the environment: on a command line every user of the machine can read it."""
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = []
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    args += ["--dbname", db["NAME"]]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


# --- Dumping


def _dump_sqlite(target: Path) -> tuple[dict[str, str], dict[str, int]]:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # Online: pages written meanwhile are copied again until the copy is consistent.
        connection.connection.backup(destination)
        return _facts(destination.cursor())
    finally:
        destination.close()


def _dump_postgresql(target: Path) -> tuple[dict[str, str], dict[str, int]]:
    binary = pg_tool("pg_dump")
    env, args = _pg_env_and_args()
    # Counts and dump read one snapshot, held open by this transaction until pg_dump
    # has started its own on it.
    with connections["default"].cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            facts = _facts(cursor)
            _run(
                [binary, "--format=custom", f"--snapshot={snapshot}", "--file", str(target), *args],
                env,
            )
        finally:
            cursor.execute("COMMIT")
    return facts


def _is_local(storage: Storage) -> bool:
    try:
        storage.path(ATTACHMENTS_DIR)
    except NotImplementedError:
        return False
    return True


def _stored_names(storage: Storage, directory: str) -> Iterator[str]:
    if not storage.exists(directory):
        return
    folders, files = storage.listdir(directory)
    for name in sorted(files):
        yield f"{directory}/{name}"
    for folder in sorted(folders):
        yield from _stored_names(storage, f"{directory}/{folder}")


def _sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def create_backup(output: Path) -> Summary:
    """Write the archive to ``output`` (through a temporary name: a backup cut short
    never looks complete)."""
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    output.parent.mkdir(parents=True, exist_ok=True)
    storage = default_storage
    local = _is_local(storage)
    with tempfile.TemporaryDirectory(dir=output.parent) as scratch:
        dump = Path(scratch) / ("db.sqlite3" if vendor == "sqlite" else "db.dump")
        migrations, counts = _dump_sqlite(dump) if vendor == "sqlite" else _dump_postgresql(dump)
        partial = Path(scratch) / output.name
        mode = "w:gz" if output.name.endswith((".gz", ".tgz")) else "w"
        files = []
        with tarfile.open(partial, mode) as archive:  # type: ignore[call-overload]
            archive.add(dump, arcname=f"database/{dump.name}")
            for name in _stored_names(storage, ATTACHMENTS_DIR):
                with storage.open(name, "rb") as stream:
                    sha256, size = _sha256(stream)
                    if local:
                        stream.seek(0)
                        info = tarfile.TarInfo(FILES_PREFIX + name)
                        info.size = size
                        info.mtime = int(timezone.now().timestamp())
                        archive.addfile(info, stream)
                files.append({"name": name, "size": size, "sha256": sha256, "in_archive": local})
            manifest = {
                "version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "database": {"vendor": vendor, "file": f"database/{dump.name}"},
                "migrations": migrations,
                "counts": counts,
                "storage": type(storage).__name__,
                "files": files,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
        os.replace(partial, output)
    return Summary(path=output, manifest=manifest)


def default_output() -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"portal-{stamp}.tar.gz"


# --- Restoring


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("this file is not a portal backup: it has no manifest.json")
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('version')!r}")
    return manifest


def _check_compatible(manifest: dict[str, Any]) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"this backup is of a {vendor} database and the portal is configured for "
            f"{connection.vendor}: restore it into the same kind of database"
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    installed = {config.label for config in apps.get_app_configs()}
    newer = [
        f"{app}.{name}"
        for app, name in manifest["migrations"].items()
        if (app, name) not in known and app in installed
    ]
    if newer:
        raise BackupError(
            "this backup comes from a newer version of the portal (migrations unknown here: "
            + ", ".join(sorted(newer))
            + "): install that version first"
        )


def install_is_empty() -> bool:
    """No person and no request yet: a fresh install (migrated or not). Its catalogue,
    installed by a migration, is replaced by the backup's."""
    tables = set(connection.introspection.table_names())
    for label in ("accounts.User", "tickets.Ticket"):
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._default_manager.exists():
            return False
    return True


def _restore_sqlite(dump: Path) -> None:
    connections.close_all()
    target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    source = sqlite3.connect(dump)
    try:
        # The backup API into the configured file, not a file copy: it goes through
        # SQLite's own locking and journal (WAL), so no stale -wal file survives.
        source.backup(target)
    finally:
        source.close()
        target.close()


def _restore_postgresql(dump: Path) -> None:
    binary = pg_tool("pg_restore")
    env, args = _pg_env_and_args()
    connections.close_all()
    _run(
        [
            binary,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *args,
            str(dump),
        ],
        env,
    )


def _safe_name(name: str) -> str:
    parts = name.split("/")
    if parts[0] != ATTACHMENTS_DIR or any(part in ("", ".", "..") for part in parts):
        raise BackupError(f"refusing the file name {name!r} from the archive")
    return name


def _put_file(storage: Storage, name: str, stream: IO[bytes], sha256: str) -> bool:
    """Store ``stream`` under exactly ``name``; False when the same bytes are there."""
    if storage.exists(name):
        with storage.open(name, "rb") as existing:
            if _sha256(existing)[0] == sha256:
                return False
        storage.delete(name)
    saved = storage.save(name, File(stream, name=name))
    if saved != name:
        raise BackupError(f"the storage saved {name} as {saved}")
    return True


def _verify(summary: Summary, storage: Storage) -> None:
    manifest = summary.manifest
    with connection.cursor() as cursor:
        counts = _facts(cursor)[1]
    for label, expected in manifest["counts"].items():
        if counts.get(label) != expected:
            summary.problems.append(f"{label}: {counts.get(label)} rows, the backup had {expected}")
    for entry in manifest["files"]:
        name = entry["name"]
        if not storage.exists(name):
            summary.problems.append(f"missing file {name}")
            continue
        with storage.open(name, "rb") as stream:
            sha256, size = _sha256(stream)
        if (sha256, size) != (entry["sha256"], entry["size"]):
            summary.problems.append(f"file {name} differs from the backup's")
    attachment = apps.get_model("tickets.Attachment")
    for name in attachment._default_manager.values_list("file", flat=True).iterator():
        if not storage.exists(name):
            summary.problems.append(f"an attachment names {name}, which is not stored")


def restore_backup(path: Path, *, force: bool = False) -> Summary:
    """Bring the archive at ``path`` back into this install, then check that every
    counted row and every file is there (``Summary.problems`` says what is not)."""
    storage = default_storage
    with tarfile.open(path, "r:*") as archive:
        manifest = read_manifest(archive)
        _check_compatible(manifest)
        if not force and not install_is_empty():
            raise BackupError(
                "this install already has people or requests: restore into an empty one "
                "(or pass --force to replace everything it has)"
            )
        summary = Summary(path=path, manifest=manifest)
        expected = {entry["name"]: entry for entry in manifest["files"]}
        with tempfile.TemporaryDirectory() as scratch:
            dump = Path(scratch) / Path(manifest["database"]["file"]).name
            for member in archive:
                if member.name == manifest["database"]["file"]:
                    source = archive.extractfile(member)
                    assert source is not None
                    with dump.open("wb") as out:
                        shutil.copyfileobj(source, out, CHUNK)
                elif member.name.startswith(FILES_PREFIX) and member.isfile():
                    name = _safe_name(member.name.removeprefix(FILES_PREFIX))
                    if name not in expected:
                        raise BackupError(f"{name} is in the archive but not in its manifest")
                    source = archive.extractfile(member)
                    assert source is not None
                    if _put_file(storage, name, source, expected[name]["sha256"]):
                        summary.files_restored += 1
                    else:
                        summary.files_present += 1
            if not dump.exists():
                raise BackupError("the archive has no database dump")
            if manifest["database"]["vendor"] == "sqlite":
                _restore_sqlite(dump)
            else:
                _restore_postgresql(dump)
    _verify(summary, storage)
    return summary
