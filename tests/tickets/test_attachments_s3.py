"""Attachments in an S3-compatible bucket (STORAGE_URL=s3://…): the same uploads,
limits, all-or-nothing rule, downloads, sweep and LGPD export as on the local folder,
against moto's real server on loopback (tests/support/s3.py); and
``migrate_attachments --to s3``."""

from __future__ import annotations

import hashlib
import io
import json
import urllib.request
import zipfile
from datetime import timedelta
from email.message import Message

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from storages.backends.s3 import S3Storage

from portal.privacy.export import personal_data_export
from portal.tickets import notify
from portal.tickets.models import Attachment, Ticket
from portal.tickets.services import remove_orphaned_files
from portal.tickets.uploads import check_file
from tests.support.factories import open_ticket
from tests.support.files import pdf_upload, png_upload

pytestmark = [pytest.mark.django_db, pytest.mark.s3]

PDF = pdf_upload("contrato.pdf").read()
PNG = png_upload().read()
LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def new_ticket_data(catalog, files):
    return {
        "subject": "Com anexos no bucket",
        "department": catalog["department"].pk,
        "service": catalog["service"].pk,
        "priority": catalog["priority"].pk,
        "body": "Seguem os arquivos.",
        "deadline": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "attachments": files,
    }


def download_url(attachment: Attachment) -> str:
    return reverse("tickets:attachment", args=[attachment.pk, attachment.original_name])


def follow(url: str) -> tuple[bytes, Message]:
    """Fetch a signed link as a browser would: over HTTP, with no credentials."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - moto on loopback
        return response.read(), response.headers


def test_a_new_request_puts_its_files_in_the_bucket(s3_bucket, client, contact_a, catalog):
    client.force_login(contact_a)
    files = [pdf_upload("contrato.pdf"), png_upload("ref.png")]
    response = client.post(reverse("tickets:new"), new_ticket_data(catalog, files))
    assert response.status_code == 302
    attachments = list(Attachment.objects.all())
    assert s3_bucket.keys() == sorted(a.file.name for a in attachments)
    assert [s3_bucket.read(a.file.name) for a in attachments] == [PDF, PNG]
    # Private: the owner's grant only, nothing for everyone.
    acl = s3_bucket.client.get_object_acl(Bucket=s3_bucket.name, Key=attachments[0].file.name)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
    assert "ID" in acl["Grants"][0]["Grantee"]


def test_downloads_stream_from_the_bucket_with_todays_headers(
    s3_bucket, client, contact_a, contact_b, agent
):
    open_ticket(contact_a, files=[check_file(pdf_upload("contrato.pdf"))])
    attachment = Attachment.objects.get()
    client.force_login(contact_a)
    response = client.get(download_url(attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="contrato.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    client.force_login(contact_b)
    assert client.get(download_url(attachment)).status_code == 404
    client.force_login(agent)
    assert b"".join(client.get(download_url(attachment)).streaming_content) == PDF


def test_downloads_may_redirect_to_a_link_valid_for_seconds(
    s3_bucket, settings, client, contact_a, contact_b
):
    settings.ATTACHMENTS_DOWNLOAD = "redirect"
    settings.ATTACHMENTS_PRESIGN_SECONDS = 7
    open_ticket(contact_a, files=[check_file(pdf_upload("contrato.pdf"))])
    open_ticket(contact_a, files=[check_file(png_upload("foto.png"))])
    pdf, png = Attachment.objects.all()
    client.force_login(contact_a)
    response = client.get(download_url(pdf))
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(f"{s3_bucket.endpoint}/{s3_bucket.name}/")
    assert "X-Amz-Expires=7&" in link and "X-Amz-Signature=" in link
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    body, headers = follow(link)
    assert body == PDF
    assert headers["Content-Disposition"] == 'attachment; filename="contrato.pdf"'
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Cache-Control"] == "private, no-store"
    inline = client.get(download_url(png) + "?inline=1")
    body, headers = follow(inline["Location"])
    assert body == PNG and headers["Content-Disposition"] == 'inline; filename="foto.png"'
    # Another company's contact gets the same 404 as for a file that does not exist,
    # and no link.
    client.force_login(contact_b)
    refused = client.get(download_url(pdf))
    assert refused.status_code == 404 and not refused.has_header("Location")
    assert s3_bucket.name.encode() not in refused.content


def test_a_refused_submission_leaves_no_object(s3_bucket, settings, client, contact_a, catalog):
    client.force_login(contact_a)
    settings.ATTACHMENTS_MAX_FILES = 2
    files = [pdf_upload(f"arquivo{n}.pdf") for n in range(3)]
    response = client.post(reverse("tickets:new"), new_ticket_data(catalog, files))
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert s3_bucket.keys() == []


def test_files_stored_before_a_later_step_fails_are_deleted_from_the_bucket(
    s3_bucket, contact_a, monkeypatch
):
    def failing(*args, **kwargs):
        raise RuntimeError("the e-mail could not be queued")

    monkeypatch.setattr(notify, "ticket_opened", failing)
    with pytest.raises(RuntimeError):
        open_ticket(
            contact_a,
            files=[check_file(pdf_upload("contrato.pdf")), check_file(png_upload("ref.png"))],
        )
    assert not Ticket.objects.exists() and s3_bucket.keys() == []


def test_the_sweep_lists_the_bucket_and_removes_old_orphans(s3_bucket, contact_a):
    open_ticket(contact_a, files=[check_file(pdf_upload("guardado.pdf"))])
    kept = Attachment.objects.get().file.name
    orphan = kept.rsplit("/", 1)[0] + "/orfao"
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key=orphan, Body=b"left by a killed worker")
    assert remove_orphaned_files() == 0  # younger than an hour: maybe still being saved
    assert remove_orphaned_files(now=timezone.now() + timedelta(hours=2)) == 1
    assert s3_bucket.keys() == [kept]


def test_the_data_export_holds_the_files_bytes(s3_bucket, contact_a):
    open_ticket(contact_a, files=[check_file(pdf_upload("contrato.pdf"))])
    archive = zipfile.ZipFile(personal_data_export(user=contact_a).file)
    [file] = [f for m in json.loads(archive.read("data.json"))["messages"] for f in m["files"]]
    assert archive.read(file["path"]) == PDF
    assert file["sha256"] == hashlib.sha256(PDF).hexdigest()


# --- manage.py migrate_attachments --to s3


@pytest.fixture
def local_files(s3_bucket, contact_a):
    """Three attachments saved on the local folder, before the bucket was configured."""
    with override_settings(STORAGES={"default": LOCAL}):
        for name in ("um.pdf", "dois.pdf", "tres.pdf"):
            open_ticket(contact_a, files=[check_file(pdf_upload(name))])
    return {a.file.name: a for a in Attachment.objects.all()}


def migrate() -> str:
    out = io.StringIO()
    call_command("migrate_attachments", "--to", "s3", stdout=out)
    return out.getvalue()


def test_migrate_copies_every_file_and_downloads_then_come_from_the_bucket(
    local_files, s3_bucket, client, contact_a
):
    assert s3_bucket.keys() == []
    assert "3 copied, 0 already in the bucket, 0 missing" in migrate()
    assert s3_bucket.keys() == sorted(local_files)
    for name in local_files:
        assert s3_bucket.read(name).startswith(b"%PDF-")
    client.force_login(contact_a)
    attachment = next(iter(local_files.values()))
    body = b"".join(client.get(download_url(attachment)).streaming_content)
    assert body == s3_bucket.read(attachment.file.name)
    assert "0 copied, 3 already in the bucket" in migrate()


def test_migrate_resumes_after_an_interruption(local_files, s3_bucket, monkeypatch):
    real_save, saves = S3Storage._save, []

    def cut_after_one(self, name, content):
        if saves:
            raise ConnectionError("the network went away")
        saves.append(name)
        return real_save(self, name, content)

    monkeypatch.setattr(S3Storage, "_save", cut_after_one)
    with pytest.raises(ConnectionError):
        migrate()
    assert s3_bucket.keys() == saves
    monkeypatch.undo()
    assert "2 copied, 1 already in the bucket, 0 missing" in migrate()
    assert s3_bucket.keys() == sorted(local_files)


def test_migrate_replaces_an_object_whose_checksum_differs(local_files, s3_bucket):
    name = sorted(local_files)[0]
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key=name, Body=b"half a file")
    assert "3 copied, 0 already" in migrate()
    assert s3_bucket.read(name).startswith(b"%PDF-")


def test_migrate_names_files_missing_from_the_folder(local_files, s3_bucket, settings):
    name = sorted(local_files)[0]
    (settings.MEDIA_ROOT / name).unlink()
    with pytest.raises(CommandError, match="absent from the folder"):
        migrate()
    assert len(s3_bucket.keys()) == 2 and name not in s3_bucket.keys()  # noqa: SIM118


def test_migrate_needs_the_bucket_configured(settings, db):
    settings.STORAGES = {**settings.STORAGES, "default": LOCAL}
    with pytest.raises(CommandError, match="STORAGE_URL=s3://"):
        migrate()
