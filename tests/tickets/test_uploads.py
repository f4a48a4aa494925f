"""What an upload may be (portal/tickets/uploads.py): how many files, how large, of which
types and contents, and under which name it is stored; on a new request and on an answer.
Also what becomes of bodies cut short or too large (portal/core/body.py) and of stored
files nobody keeps (remove_orphaned_files in portal/tickets/services.py).
"""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import timezone

from portal.core.body import request_body_limit
from portal.core.periodic import JOBS
from portal.tickets import notify
from portal.tickets.models import Attachment, Ticket
from portal.tickets.services import remove_orphaned_files, ticket_answer
from portal.tickets.uploads import check_file, sizes_that_differ
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


def test_sizes_in_errors_never_read_the_same():
    assert sizes_that_differ(TWO_MB + 1, TWO_MB) == ("2.097.153 bytes", "2\xa0MB")
    assert sizes_that_differ(int(2.1 * 1024 * 1024), TWO_MB) == ("2,1\xa0MB", "2\xa0MB")
    assert sizes_that_differ(5 * 1024 * 1024, TWO_MB) == ("5\xa0MB", "2\xa0MB")


def test_a_file_over_two_mb_is_named_in_the_error(as_contact, catalog, settings):
    files = [pdf_upload("ok.pdf"), pdf_upload("grande.pdf", size=TWO_MB + 1)]
    response = post_new(as_contact, catalog, files)
    body = response.content.decode()
    # One byte over: the figures differ (issue 13, point 7).
    assert "“grande.pdf” tem 2.097.153 bytes; o limite é de 2\xa0MB por arquivo." in body
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


SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


@pytest.mark.parametrize(
    "content",
    [
        # a script element under a namespace prefix
        b'<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:script>alert(1)</s:script></s:svg>',
        # javascript: hidden by character references, and with a tab inside
        f'<svg {SVG_NS}><a xlink:href="&#106;avascript:alert(1)"><text>x</text></a></svg>'.encode(),
        f'<svg {SVG_NS}><a href="java&#9;script:alert(1)"><text>x</text></a></svg>'.encode(),
        # an event attribute in another namespace
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:e="urn:x"><g e:onclick="x()"/></svg>',
        # a page embedded through foreignObject, in a prefixed namespace
        b'<svg xmlns="http://www.w3.org/2000/svg"><h:foreignObject xmlns:h="urn:y"/></svg>',
        # entities hide anything (and can explode): no DTD at all
        b'<!DOCTYPE svg [<!ENTITY x "javascript:alert(1)">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="&x;"/></svg>',
        # not XML at all
        b"<svg <<< not xml",
    ],
)
def test_svg_variants_that_could_run_code_are_refused(content):
    with pytest.raises(ValidationError, match="contém scripts"):
        check_file(upload("logo.svg", content))


def test_a_drawing_svg_with_links_and_styles_passes():
    drawing = f"""<svg {SVG_NS} viewBox="0 0 10 10">
      <style>circle {{ fill: #5b2a86; }}</style>
      <a xlink:href="https://zweiarts.test/"><circle cx="5" cy="5" r="4"/></a>
    </svg>""".encode()
    assert check_file(upload("marca.svg", drawing)).content_type == "image/svg+xml"


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


# --- Bodies cut short or too large, and files nobody keeps


def raw_post(client, path: str, body: io.RawIOBase | io.BytesIO, length: int, **extra):
    """A request as the WSGI server hands it over: the body is whatever arrived on
    the connection, the length is what the client declared."""
    return client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=path,
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
        **extra,
    )


def test_a_body_cut_short_saves_nothing_and_answers_400(as_contact, catalog, settings):
    files = [pdf_upload(f"parte-{n}.pdf", size=300_000) for n in range(3)]
    body = encode_multipart(BOUNDARY, new_ticket_data(catalog, files))
    cut = body[: len(body) - 200_000]  # the connection closed inside the third file
    response = raw_post(as_contact, NEW, io.BytesIO(cut), len(body))
    assert response.status_code == 400
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    assert stored_files(settings) == []
    whole = raw_post(as_contact, NEW, io.BytesIO(body), len(body))  # the same body, complete
    assert whole.status_code == 302 and Attachment.objects.count() == 3


class Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body was read")


@pytest.mark.parametrize("who", ["anonymous", "contact_a"])
@pytest.mark.parametrize("path", [NEW, reverse("accounts:login"), "/nao-existe/"])
def test_a_body_larger_than_any_submission_is_refused_unread(client, request, catalog, who, path):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = raw_post(client, path, Unreadable(), request_body_limit() + 1)
    assert response.status_code == 413
    body = response.content.decode()
    assert "Envio grande demais" in body
    assert "no máximo 10 arquivos de 2,0\xa0MB cada" in body
    assert not Ticket.objects.exists()


def test_the_largest_submission_fits_the_limit(settings):
    ten_files = settings.ATTACHMENTS_MAX_FILES * settings.ATTACHMENTS_MAX_BYTES
    assert request_body_limit() > ten_files + 2 * 1024 * 1024
    assert request_body_limit() < 100 * 1024 * 1024  # the audit's 100 MB body


def test_files_stored_before_a_later_step_fails_are_deleted(contact_a, settings, monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("the e-mail could not be queued")

    monkeypatch.setattr(notify, "ticket_opened", failing)
    with pytest.raises(RuntimeError):
        open_ticket(contact_a, files=[check_file(pdf_upload("briefing.pdf"))])
    assert not Ticket.objects.exists() and stored_files(settings) == []
    monkeypatch.undo()
    ticket = open_ticket(contact_a)
    monkeypatch.setattr(notify, "message_added", failing)
    with pytest.raises(RuntimeError):
        ticket_answer(
            ticket=ticket, author=contact_a, body="Segue", files=[check_file(png_upload())]
        )
    assert not Attachment.objects.exists() and stored_files(settings) == []


def age(path: Path, hours: float) -> None:
    then = (timezone.now() - timedelta(hours=hours)).timestamp()
    os.utime(path, (then, then))


def test_the_sweep_removes_old_files_no_attachment_names(contact_a, settings):
    kept = open_ticket(contact_a, files=[check_file(pdf_upload("guardado.pdf"))])
    [with_row] = stored_files(settings)
    folder = with_row.parent
    old_orphan, new_orphan = folder / "orfao-antigo", folder / "orfao-recente"
    old_orphan.write_bytes(b"%PDF- left by a worker killed mid-save")
    new_orphan.write_bytes(b"%PDF- a submission still being saved")
    age(old_orphan, 2)
    age(with_row, 2)
    age(new_orphan, 0.5)
    assert remove_orphaned_files() == 1
    assert sorted(stored_files(settings)) == sorted([with_row, new_orphan])
    assert kept.messages.get().attachments.get().file.read().startswith(b"%PDF-")


def test_the_sweep_runs_with_no_files_at_all(db):
    assert remove_orphaned_files() == 0


def test_the_sweep_is_a_periodic_job():
    assert JOBS["remove_orphaned_files"].every == timedelta(hours=1)
