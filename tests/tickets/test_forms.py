"""Forms nobody misses (issue 15, point 2), on the server's side: the error summary at the
top of a failed form, linked to its fields; what was typed comes back; the files that
were accepted are listed to be chosen again; the file inputs carry the limits for the
browser's own check; a form sent by the script learns where a redirect leads."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.lib.script_submit import LOCATION_HEADER, SCRIPT_HEADER
from portal.tickets.models import Attachment, Ticket
from portal.tickets.uploads import KNOWN_TYPES
from tests.support.factories import open_ticket
from tests.support.files import pdf_upload, png_upload, upload

pytestmark = pytest.mark.django_db
NEW = reverse("tickets:new")
EXE = b"MZ\x90\x00" + b"\x00" * 64


def answer(number: int) -> str:
    return reverse("tickets:answer", args=[number])


def form_data(catalog, **overrides):
    data = {
        "subject": "Posts de Natal",
        "department": catalog["department"].pk,
        "service": catalog["service"].pk,
        "priority": catalog["priority"].pk,
        "body": "Três posts para o feed, com as fotos do catálogo.",
        "deadline": (timezone.localdate() + timedelta(days=5)).strftime("%d/%m/%Y"),
    }
    data.update(overrides)
    return data


def summary(page: str) -> str:
    found = re.findall(r'<div class="form-errors error-summary"(.*?)</div>', page, re.DOTALL)
    assert len(found) == 1, found
    return found[0]


def summary_links(page: str) -> list[tuple[str, str]]:
    return [
        (target, html.unescape(text))
        for target, text in re.findall(r'<a href="#([\w-]+)">(.*?)</a>', summary(page))
    ]


def element_ids(page: str) -> set[str]:
    return set(re.findall(r'\sid="([\w-]+)"', page))


def accepted_names(page: str) -> list[str]:
    return [html.unescape(name) for name in re.findall(r'<li data-name="([^"]*)">', page)]


def test_a_failed_new_request_has_a_summary_at_the_top_linked_to_each_field(
    client, contact_a, catalog
):
    client.force_login(contact_a)
    page = client.post(NEW, form_data(catalog, subject="", body="")).content.decode()
    box = summary(page)
    assert 'role="alert"' in box and 'tabindex="-1"' in box and "data-error-summary" in box
    assert "Corrija os campos abaixo" in box
    links = summary_links(page)
    assert links == [
        ("id_subject", "Assunto: Este campo é obrigatório."),
        ("id_body", "Mensagem: Este campo é obrigatório."),
    ]
    assert {target for target, _text in links} <= element_ids(page)
    # At the top of the form: before its first field.
    assert page.index("data-error-summary") < page.index('id="id_subject"')


def test_the_page_without_errors_has_no_summary(client, contact_a, catalog):
    client.force_login(contact_a)
    assert "data-error-summary" not in client.get(NEW).content.decode()


def test_a_list_of_boxes_is_linked_through_its_first_box(client, contact_a, catalog, john):
    client.force_login(contact_a)
    page = client.post(NEW, form_data(catalog, subject="", followers=["999999"])).content
    links = summary_links(page.decode())
    assert ("id_followers_0", links[-1][1]) == links[-1] and links[-1][1].startswith("Seguidores")
    assert "id_followers_0" in element_ids(page.decode())


def test_errors_of_no_field_are_in_the_summary_too(client, contact_a):
    client.logout()
    response = client.post(reverse("accounts:login"), {"email": "x@x.test", "password": "no"})
    box = summary(response.content.decode())
    assert "E-mail ou senha incorretos" in box


def test_what_was_typed_comes_back_after_an_error(client, contact_a, catalog, john):
    client.force_login(contact_a)
    data = form_data(catalog, subject="", followers=[john.pk], body="Fotos <b>novas</b>")
    page = client.post(NEW, data).content.decode()
    assert "Fotos &lt;b&gt;novas&lt;/b&gt;</textarea>" in page
    assert f'value="{data["deadline"]}"' in page
    for name in ("department", "service", "priority"):
        select = re.search(rf'<select name="{name}".*?</select>', page, re.DOTALL)
        assert select and f'value="{data[name]}" selected' in select.group(0), name
    assert re.search(rf'value="{john.pk}"[^>]*checked', page)


def test_the_answer_typed_on_the_request_page_comes_back_after_an_error(client, contact_a):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    data = {"body": "Segue o arquivo", "attachments": [upload("virus.exe", EXE)]}
    response = client.post(answer(ticket.number), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Segue o arquivo</textarea>" in page
    assert summary_links(page)[0][0] == "id_attachments"
    assert "virus.exe" in summary_links(page)[0][1]


def test_files_accepted_before_an_error_elsewhere_are_listed_to_choose_again(
    client, contact_a, catalog
):
    client.force_login(contact_a)
    files = [pdf_upload("briefing.pdf"), png_upload("ref.png")]
    page = client.post(NEW, form_data(catalog, subject="", attachments=files)).content.decode()
    assert accepted_names(page) == ["briefing.pdf", "ref.png"]
    assert 'data-accepted-files="id_attachments"' in page
    assert "Escolha os arquivos de novo" in page
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_with_a_refused_file_only_the_accepted_ones_are_listed(client, contact_a, catalog):
    client.force_login(contact_a)
    files = [pdf_upload("briefing.pdf"), upload("virus.exe", EXE), pdf_upload("big.pdf", 3_000_000)]
    page = client.post(NEW, form_data(catalog, attachments=files)).content.decode()
    assert accepted_names(page) == ["briefing.pdf"]
    texts = [text for _target, text in summary_links(page)]
    assert any("virus.exe" in text for text in texts) and any("big.pdf" in text for text in texts)
    assert not Ticket.objects.exists()


def test_too_many_files_lists_none_to_choose_again(client, contact_a, catalog, settings):
    settings.ATTACHMENTS_MAX_FILES = 2
    client.force_login(contact_a)
    files = [pdf_upload(f"{n}.pdf") for n in range(3)]
    page = client.post(NEW, form_data(catalog, attachments=files)).content.decode()
    assert accepted_names(page) == []
    assert "o limite é de 2 por envio" in page


def test_the_file_input_carries_the_limits_from_the_settings(client, contact_a, catalog, settings):
    settings.ATTACHMENTS_MAX_FILES = 3
    settings.ATTACHMENTS_MAX_BYTES = 1024 * 1024
    client.force_login(contact_a)
    page = client.get(NEW).content.decode()
    tag = re.search(r'<input type="file"[^>]*>', page)
    assert tag
    attrs = {
        name: html.unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag.group())
    }
    assert attrs["data-max-files"] == "3" and attrs["data-max-bytes"] == str(1024 * 1024)
    assert attrs["data-extensions"].split() == sorted(KNOWN_TYPES)
    assert attrs["accept"].split(",") == [f".{ext}" for ext in sorted(KNOWN_TYPES)]
    # The server's own messages, in the page's language, for the script to fill in.
    assert attrs["data-msg-size"] == "“{name}” tem {size}; o limite é de 1\xa0MB por arquivo."
    assert attrs["data-msg-count"] == "Você enviou {count} arquivos; o limite é de 3 por envio."
    assert attrs["data-msg-type"].startswith("“{name}”: este tipo de arquivo não é aceito.")
    assert attrs["data-msg-summary"] == "Corrija os campos abaixo"
    assert "data-upload" in page


def test_the_answer_form_on_the_request_page_is_an_upload_form(client, contact_a):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    form = re.search(r'<form[^>]*action="' + answer(ticket.number) + '"[^>]*>', page)
    assert form and "data-upload" in form.group()
    assert 'data-max-files="10"' in page


def test_a_redirect_is_named_in_a_header_for_the_script(client, contact_a, catalog):
    client.force_login(contact_a)
    data = form_data(catalog, attachments=[pdf_upload("briefing.pdf")])
    response = client.post(NEW, data, headers={SCRIPT_HEADER: "1"})
    ticket = Ticket.objects.get()
    assert response.status_code == 200 and not response.has_header("Location")
    assert response[LOCATION_HEADER] == reverse("tickets:detail", args=[ticket.number])
    # The success message waits for the page the script then loads.
    page = client.get(response[LOCATION_HEADER]).content.decode()
    assert f"Sua solicitação #{ticket.number} foi aberta." in page


def test_the_answer_redirect_keeps_its_place_on_the_page_for_the_script(client, contact_a):
    ticket = open_ticket(contact_a)
    client.force_login(contact_a)
    data = {"body": "Segue", "attachments": [png_upload("ref.png")]}
    response = client.post(answer(ticket.number), data, headers={SCRIPT_HEADER: "1"})
    message = ticket.messages.last()
    assert response[LOCATION_HEADER].endswith(f"#m{message.pk}")
    assert message.attachments.get().original_name == "ref.png"


def test_without_the_script_a_redirect_is_a_redirect(client, contact_a, catalog):
    client.force_login(contact_a)
    response = client.post(NEW, form_data(catalog))
    assert response.status_code == 302 and not response.has_header(LOCATION_HEADER)
