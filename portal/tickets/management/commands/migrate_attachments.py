"""``manage.py migrate_attachments --to s3``: copy every attachment from the local folder
to the bucket STORAGE_URL names, under the same names, each checked by SHA-256.

Safe to stop and run again: files already in the bucket with the same checksum are
skipped. The rows do not change (a file keeps its name), so the portal may keep running
on the folder until STORAGE_URL points at the bucket; the folder is never touched.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError

from portal.lib.storage_copy import CopyMismatch, copy_verified
from portal.lib.storage_url import S3_BACKEND
from portal.tickets.models import Attachment


class Command(BaseCommand):
    help = "Copy the attachments from the local folder to the S3 bucket of STORAGE_URL."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--to", choices=["s3"], required=True, help="where the files go")
        parser.add_argument(
            "--from-folder",
            type=Path,
            default=None,
            help="the folder the files are in (default: MEDIA_ROOT)",
        )

    def handle(self, *args, to: str, from_folder: Path | None, **options) -> None:
        if settings.STORAGES["default"]["BACKEND"] != S3_BACKEND:
            raise CommandError("Set STORAGE_URL=s3://bucket?... first: it names the target.")
        source = FileSystemStorage(location=from_folder or settings.MEDIA_ROOT)
        target = default_storage
        copied = present = 0
        missing: list[str] = []
        names = Attachment.objects.order_by("pk").values_list("file", flat=True)
        for name in names.iterator(chunk_size=500):
            if not source.exists(name):
                missing.append(name)
                continue
            try:
                if copy_verified(source, target, name):
                    copied += 1
                else:
                    present += 1
            except CopyMismatch as error:
                raise CommandError(f"{error}; run the command again to retry") from error
            if (copied + present) % 500 == 0:
                self.stdout.write(f"{copied + present} files checked…")
        self.stdout.write(
            f"{copied} copied, {present} already in the bucket, {len(missing)} missing"
        )
        if missing:
            raise CommandError(
                "Files named by attachments but absent from the folder: " + ", ".join(missing[:20])
            )
        self.stdout.write(self.style.SUCCESS("Every attachment is in the bucket, checksums equal."))
