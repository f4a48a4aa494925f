from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Bring a backup archive back into an empty install (database and attachments), "
        "then check that every counted row and every file is there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the file `manage.py backup` wrote")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of an install that is not empty (everything it has is lost)",
        )

    def handle(self, *args: Any, archive: str, force: bool, **options: Any) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            summary = restore_backup(path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = summary.manifest
        counts = ", ".join(f"{label} {n}" for label, n in manifest["counts"].items())
        self.stdout.write(
            f"restored {path} (made {manifest['created_at']}): {counts}; "
            f"{summary.files_restored} files written, {summary.files_present} already there"
        )
        if summary.problems:
            raise CommandError("the restore is incomplete:\n" + "\n".join(summary.problems))
        self.stdout.write(
            "verified: every counted row and every file is back. "
            "Run `manage.py migrate` if this version of the portal is newer than the backup."
        )
