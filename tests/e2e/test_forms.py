"""Forms nobody misses (issue 15, point 2), in a real browser at 375 and 1280 px: a failed
form's error summary is in view and has the focus, its links reach the fields; files are
checked before anything is sent; files already picked survive an error elsewhere; the
upload shows its progress; files can be dropped on the form."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from portal.tickets.models import Attachment, Ticket
from tests.e2e.helpers import DESKTOP, PHONE, log_in, page_problems
from tools import demo_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEXT_YEAR = datetime.date.today().year + 1
NEW = "/atendimento/nova/"
VIEWPORTS = [pytest.param(PHONE, id="375px"), pytest.param(DESKTOP, id="1280px")]


def pdf(name: str = "briefing.pdf", size: int | None = None) -> dict:
    content = demo_files.pdf(name)
    if size is not None:
        content += b"%" * (size - len(content))
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


def fill_the_form(
    page: Page, *, subject: str = "Posts da campanha", body: str = "Três posts."
) -> None:
    page.get_by_label("Assunto").fill(subject)
    page.get_by_label("Departamento").select_option(label="Atendimento")
    page.get_by_label("Serviços").select_option(label="Redes Sociais")
    page.get_by_label("Prioridade").select_option(label="Alta")
    page.get_by_label("Prazo").fill(f"20/06/{NEXT_YEAR}")
    page.get_by_label("Mensagem").fill(body)


def posts(page: Page) -> list[str]:
    """The POST requests the page sends from now on."""
    sent: list[str] = []
    page.on(
        "request", lambda request: sent.append(request.url) if request.method == "POST" else None
    )
    return sent


def summary_has_the_focus_in_view(page: Page) -> None:
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("heading")).to_have_text("Corrija os campos abaixo")


def choose(page: Page, *files: dict) -> None:
    page.get_by_label("Anexar Arquivo").set_input_files(list(files))


def chosen(page: Page) -> list[str]:
    return page.locator(".chosen-file-name").all_inner_texts()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_missing_subject_brings_the_summary_into_view_with_the_focus(
    new_page, contact_a, catalog, viewport
):
    page = new_page(viewport)
    log_in(page, contact_a.email)
    page.goto(NEW)
    fill_the_form(page, subject="")
    page.get_by_role("button", name="Salvar").click()
    summary_has_the_focus_in_view(page)
    link = page.locator("[data-error-summary]").get_by_role("link")
    expect(link).to_have_text("Assunto: Este campo é obrigatório.")
    expect(page.get_by_label("Mensagem")).to_have_value("Três posts.")  # typed, kept
    assert page_problems(page) == []
    link.click()
    expect(page.get_by_label("Assunto")).to_be_focused()
    expect(page.get_by_label("Assunto")).to_be_in_viewport()
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_oversize_file_is_refused_before_anything_is_sent(
    new_page, contact_a, catalog, settings, viewport
):
    page = new_page(viewport)
    log_in(page, contact_a.email)
    page.goto(NEW)
    sent = posts(page)
    fill_the_form(page)
    choose(page, pdf("enorme.pdf", settings.ATTACHMENTS_MAX_BYTES + 1))
    field = page.locator(".field", has=page.get_by_label("Anexar Arquivo"))
    expect(field.locator(".errors")).to_contain_text("“enorme.pdf” tem 2 MB; o limite é de 2")
    page.get_by_role("button", name="Salvar").click()
    summary_has_the_focus_in_view(page)
    link = page.locator("[data-error-summary]").get_by_role("link")
    expect(link).to_contain_text("enorme.pdf")
    assert page_problems(page) == []
    link.click()
    expect(page.get_by_label("Anexar Arquivo")).to_be_focused()
    assert sent == [] and not Ticket.objects.exists()
    # Removed, the request goes without it.
    page.get_by_role("button", name="Remover enorme.pdf").click()
    page.get_by_role("button", name="Salvar").click()
    expect(page.get_by_text("Sua solicitação #1 foi aberta.")).to_be_visible()
    assert Ticket.objects.get().messages.get().attachments.count() == 0


def test_a_wrong_type_and_too_many_files_are_refused_before_anything_is_sent(
    page, contact_a, catalog, settings
):
    settings.ATTACHMENTS_MAX_FILES = 2
    log_in(page, contact_a.email)
    page.goto(NEW)
    sent = posts(page)
    fill_the_form(page)
    choose(page, {"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"})
    errors = page.locator(".field", has=page.get_by_label("Anexar Arquivo")).locator(".errors")
    expect(errors).to_contain_text("“setup.exe”: este tipo de arquivo não é aceito.")
    page.get_by_role("button", name="Remover setup.exe").click()
    expect(errors).to_have_text("")
    choose(page, pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf"))
    expect(errors).to_contain_text("Você enviou 3 arquivos; o limite é de 2 por envio.")
    assert chosen(page) == ["a.pdf", "b.pdf", "c.pdf"]
    assert page.evaluate("document.getElementById('id_attachments').files.length") == 2
    page.get_by_role("button", name="Salvar").click()
    summary_has_the_focus_in_view(page)
    assert sent == [] and not Ticket.objects.exists()


def test_a_picked_file_survives_an_error_elsewhere_and_is_sent_with_progress(
    page, contact_a, catalog
):
    log_in(page, contact_a.email)
    page.goto(NEW)
    fill_the_form(page, body="")
    choose(page, pdf("briefing.pdf"))
    held = []

    def hold_the_first_post(route):
        # The first submission waits here while the test looks at the progress bar.
        if route.request.method == "POST" and not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**" + NEW, hold_the_first_post)
    page.get_by_role("button", name="Salvar").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.get_by_role("button", name="Salvar")).to_be_disabled()
    assert len(held) == 1
    held[0].continue_()

    summary_has_the_focus_in_view(page)
    expect(page.locator("[data-error-summary]").get_by_role("link")).to_have_text(
        "Mensagem: Este campo é obrigatório."
    )
    assert chosen(page) == ["briefing.pdf"]
    assert page.evaluate("document.getElementById('id_attachments').files[0].name") == (
        "briefing.pdf"
    )
    expect(page.locator("[data-accepted-files]")).to_be_hidden()  # put back, not to pick
    assert not Ticket.objects.exists()

    page.get_by_label("Mensagem").fill("Três posts.")
    page.get_by_role("button", name="Salvar").click()
    expect(page.get_by_text("Sua solicitação #1 foi aberta.")).to_be_visible()
    ticket = Ticket.objects.get()
    assert page.url.endswith(f"/atendimento/{ticket.number}/")
    assert [a.original_name for a in Attachment.objects.filter(message__ticket=ticket)] == [
        "briefing.pdf"
    ]


def test_a_dropped_file_joins_the_list(page, contact_a, catalog):
    log_in(page, contact_a.email)
    page.goto(NEW)
    choose(page, pdf("primeiro.pdf"))
    page.evaluate(
        """() => {
          const transfer = new DataTransfer();
          transfer.items.add(new File(['%PDF-1.4 solto'], 'solto.pdf', {type: 'application/pdf'}));
          const zone = document.querySelector('.dropzone');
          for (const type of ['dragover', 'drop']) {
            const init = {dataTransfer: transfer, bubbles: true, cancelable: true};
            zone.dispatchEvent(new DragEvent(type, init));
          }
        }"""
    )
    assert chosen(page) == ["primeiro.pdf", "solto.pdf"]
    assert page.evaluate("document.getElementById('id_attachments').files.length") == 2
    assert page_problems(page) == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_answer_on_the_request_page_keeps_its_file_after_an_error(
    new_page, contact_a, viewport
):
    from tests.support.factories import open_ticket

    ticket = open_ticket(contact_a)
    page = new_page(viewport)
    log_in(page, contact_a.email)
    page.goto(f"/atendimento/{ticket.number}/")
    choose(page, pdf("ajuste.pdf"))
    page.get_by_role("button", name="Enviar resposta").click()  # no text
    summary_has_the_focus_in_view(page)
    assert chosen(page) == ["ajuste.pdf"]
    page.get_by_label("Sua resposta").fill("Segue o ajuste.")
    page.get_by_role("button", name="Enviar resposta").click()
    expect(page.get_by_text("Sua resposta foi adicionada.")).to_be_visible()
    message = ticket.messages.last()
    assert page.url.endswith(f"#m{message.pk}")
    assert [a.original_name for a in message.attachments.all()] == ["ajuste.pdf"]
