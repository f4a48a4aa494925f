from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.core.backup import BackupError, create_backup, default_output


class Command(BaseCommand):
    help = (
        "Write one archive with the database and the attachments (or, on a remote "
        "storage, their list), while the portal keeps running."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="the archive to write (.tar, or .tar.gz to compress); "
            "default var/backups/portal-<date>-<time>.tar.gz",
        )

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        path = Path(output) if output else default_output()
        try:
            summary = create_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = summary.manifest
        counts = ", ".join(f"{label} {n}" for label, n in manifest["counts"].items())
        files = manifest["files"]
        self.stdout.write(
            f"{path}: {manifest['database']['vendor']} database ({counts}); "
            f"{len(files)} files, {sum(f['size'] for f in files)} bytes"
            + ("" if all(f["in_archive"] for f in files) else " (listed only: remote storage)")
        )
