"""What an upload may be (portal/tickets/uploads.py): how many files, how large, of which
types and contents, and under which name it is stored; on a new request and on an answer.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.tickets.models import Attachment, Ticket
from portal.tickets.uploads import check_file
from tests.support.factories import open_ticket
from tests.support.files import pdf_upload, png_upload, upload

pytestmark = pytest.mark.django_db
NEW = reverse("tickets:new")
TWO_MB = 2 * 1024 * 1024


def new_ticket_data(catalog, files):
    return {
        "subject": "Com anexos",
        "department": catalog["department"].pk,
        "service": catalog["service"].pk,
        "priority": catalog["priority"].pk,
        "body": "Seguem os arquivos.",
        "deadline": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "attachments": files,
    }


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_new(client, catalog, files):
    return client.post(NEW, new_ticket_data(catalog, files))


@pytest.fixture
def as_contact(client, contact_a, catalog):
    client.force_login(contact_a)
    return client


def test_ten_files_of_two_mb_are_accepted(as_contact, catalog, settings):
    files = [pdf_upload(f"arquivo-{n}.pdf", size=TWO_MB) for n in range(10)]
    assert post_new(as_contact, catalog, files).status_code == 302
    assert Attachment.objects.count() == 10
    assert len(stored_files(settings)) == 10


def test_eleven_files_are_refused_and_nothing_is_saved(as_contact, catalog, settings):
    files = [pdf_upload(f"arquivo-{n}.pdf") for n in range(11)]
    response = post_new(as_contact, catalog, files)
    assert "Você enviou 11 arquivos; o limite é de 10 por envio." in response.content.decode()
    assert not Ticket.objects.exists() and stored_files(settings) == []


def test_a_file_over_two_mb_is_named_in_the_error(as_contact, catalog, settings):
    files = [pdf_upload("ok.pdf"), pdf_upload("grande.pdf", size=TWO_MB + 1)]
    response = post_new(as_contact, catalog, files)
    body = response.content.decode()
    assert "“grande.pdf” tem 2,0\xa0MB; o limite é de 2,0\xa0MB por arquivo." in body
    assert not Ticket.objects.exists() and stored_files(settings) == []


def test_the_limits_are_settings(as_contact, catalog, settings):
    settings.ATTACHMENTS_MAX_FILES = 1
    response = post_new(as_contact, catalog, [pdf_upload("a.pdf"), pdf_upload("b.pdf")])
    assert "o limite é de 1 por envio" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programa.pdf", b"MZ\x90\x00" + b"\x00" * 100, "não corresponde ao seu tipo"),
        ("foto.png", b"%PDF-1.4 not a png", "não corresponde ao seu tipo"),
        ("script.sh.txt", b"#!/bin/sh\nrm -rf /", "não corresponde ao seu tipo"),
        ("pagina.html", b"<html><script>alert(1)</script></html>", "não é aceito"),
        ("setup.exe", b"MZ\x90\x00", "não é aceito"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "contém scripts",
        ),
        ("logo2.svg", b'<svg onload="alert(1)"></svg>', "contém scripts"),
        ("vazio.pdf", b"", "está vazio"),
    ],
)
def test_files_are_checked_by_content(as_contact, catalog, settings, name, content, message):
    response = post_new(as_contact, catalog, [upload(name, content)])
    body = response.content.decode()
    assert message in body and name in body
    assert not Ticket.objects.exists() and stored_files(settings) == []


def test_a_clean_svg_is_accepted_but_only_as_a_download():
    checked = check_file(upload("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'))
    assert checked.content_type == "image/svg+xml"


def test_path_traversal_names_are_stored_under_random_names(as_contact, catalog, settings):
    post_new(as_contact, catalog, [pdf_upload("../../etc/passwd.pdf")])
    attachment = Attachment.objects.get()
    assert attachment.original_name == "passwd.pdf"
    assert "passwd" not in attachment.file.name and ".." not in attachment.file.name
    [path] = stored_files(settings)
    assert Path(settings.MEDIA_ROOT) in path.parents


def test_answers_take_attachments_under_the_same_limits(client, contact_a, settings):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    url = reverse("tickets:answer", args=[ticket.number])
    files = [pdf_upload(f"f{n}.pdf") for n in range(11)]
    response = client.post(url, {"body": "Seguem", "attachments": files})
    assert "o limite é de 10 por envio" in response.content.decode()
    assert ticket.messages.count() == 1 and stored_files(settings) == []
    client.post(url, {"body": "Seguem", "attachments": [png_upload()]})
    assert ticket.messages.last().attachments.get().original_name == "foto.png"
