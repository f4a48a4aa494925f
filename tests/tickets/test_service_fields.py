"""Intake per service (issue 14, point 6): the fields admins attach to a service in
Configurações, NOVA SOLICITAÇÃO asking them (with and without its script), the answers
checked by the use case, shown on both request pages, searchable, and kept as they were
given whatever later happens to the field.

The browser journey is in tests/e2e/test_service_fields.py.
"""

from __future__ import annotations

import datetime
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.tickets.catalog import service_field_save
from portal.tickets.models import Service, ServiceField, Ticket, TicketFieldAnswer
from portal.tickets.search import ensure_sqlite_index
from portal.tickets.search_schema import SQLITE_TRIGGERS
from portal.tickets.service_fields import check_answers, field_key
from portal.tickets.services import ticket_open
from tests.support.factories import open_ticket
from tests.support.files import pdf_upload

pytestmark = pytest.mark.django_db
NEW = reverse("tickets:new")
LIST = reverse("tickets:list")
QUEUE = reverse("workspace:queue")
Kind = ServiceField.Kind


def add_field(service, label, kind=Kind.TEXT, *, required=False, choices="", help_text="", **kw):
    return service_field_save(
        ServiceField(service=service),
        label=label,
        kind=kind,
        required=required,
        help_text=help_text,
        choices=choices,
        position=kw.get("position", service.intake_fields.count() + 1),
        is_active=kw.get("is_active", True),
    )


@pytest.fixture
def social(catalog):
    """Redes Sociais asks "Rede social" (a required choice) and "Data da publicação"."""
    service = catalog["service"]
    network = add_field(
        service, "Rede social", Kind.CHOICE, required=True, choices="Instagram\nFacebook"
    )
    date = add_field(service, "Data da publicação", Kind.DATE, help_text="Quando vai ao ar.")
    return service, network, date


@pytest.fixture
def website(catalog):
    service = Service.objects.get(name="Atualização / Website")
    page = add_field(service, "Endereço da página", Kind.URL, required=True)
    return service, page


def form_data(catalog, service=None, **overrides):
    data = {
        "subject": "Posts de Natal",
        "department": catalog["department"].pk,
        "service": (service or catalog["service"]).pk,
        "priority": catalog["priority"].pk,
        "body": "Três posts para o feed.",
        "deadline": (timezone.localdate() + timedelta(days=5)).isoformat(),
    }
    data.update(overrides)
    return data


def answered(service, **answers):
    """The form as the page sends it once the service's fields were shown."""
    return {"fields_for": service.pk, **answers}


def errors_of(page: str, field: ServiceField) -> list[str]:
    """The errors shown next to one field (its own list, named after the field)."""
    found = re.search(
        rf'<ul class="errors" id="id_{field_key(field)}_error">(.*?)</ul>', page, re.S
    )
    return re.findall(r"<li>(.*?)</li>", found[1]) if found else []


def fieldset_tag(page: str, service) -> str:
    """The opening tag of a service's fieldset: hidden and disabled unless shown."""
    pattern = rf'<fieldset class="service-fields" data-service-fields="{service.pk}"[^>]*>'
    return re.search(pattern, page)[0]


# --- Configurações: admins attach fields to a service


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def field_urls(service, field):
    return [
        reverse("settings:field_new", args=[service.pk]),
        reverse("settings:field_edit", args=[service.pk, field.pk]),
        reverse("settings:field_delete", args=[service.pk, field.pk]),
    ]


@pytest.mark.parametrize("who", ["agent", "contact_a"])
def test_agents_and_contacts_get_404_on_the_field_pages(client, social, who, request):
    service, network, _date = social
    client.force_login(request.getfixturevalue(who))
    for url in field_urls(service, network):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"label": "X", "kind": "text", "position": 1}).status_code == 404
    assert ServiceField.objects.filter(service=service).count() == 2
    assert ServiceField.objects.get(pk=network.pk).label == "Rede social"


def test_a_visitor_is_sent_to_login(client, social):
    service, network, _date = social
    for url in field_urls(service, network):
        assert "/entrar/" in client.get(url)["Location"]


def test_a_field_of_another_service_is_404(as_admin, social, website):
    _service, network, _date = social
    other, _page = website
    assert (
        as_admin.get(reverse("settings:field_edit", args=[other.pk, network.pk])).status_code == 404
    )
    assert (
        as_admin.post(reverse("settings:field_delete", args=[other.pk, network.pk])).status_code
        == 404
    )
    assert ServiceField.objects.filter(pk=network.pk).exists()


def test_an_admin_adds_edits_deactivates_and_deletes_a_field(as_admin, catalog, admin_user):
    service = catalog["service"]
    edit_service = reverse("settings:catalog_edit", args=["servicos", service.pk])
    page = as_admin.get(edit_service).content.decode()
    assert "Campos da solicitação" in page and "Adicionar campo" in page

    response = as_admin.post(
        reverse("settings:field_new", args=[service.pk]),
        {
            "label": "  Rede   social ",
            "kind": "choice",
            "required": "on",
            "help_text": "Onde o post vai ao ar.",
            "choices": "Instagram\n\n Facebook \nInstagram\nLinkedIn",
            "position": 1,
            "is_active": "on",
        },
    )
    assert response["Location"] == edit_service
    field = ServiceField.objects.get(service=service)
    assert (field.label, field.kind, field.required) == ("Rede social", "choice", True)
    assert field.choices == "Instagram\nFacebook\nLinkedIn"  # trimmed, each once
    page = as_admin.get(edit_service).content.decode()
    assert "Rede social" in page and "Lista de opções" in page
    listing = as_admin.get(reverse("settings:catalog", args=["servicos"])).content.decode()
    assert "Campos da solicitação" in listing

    edit = reverse("settings:field_edit", args=[service.pk, field.pk])
    assert as_admin.get(edit).status_code == 200
    as_admin.post(edit, {"label": "Canal", "kind": "text", "position": 2})  # inactive now
    field.refresh_from_db()
    assert (field.label, field.kind, field.required, field.is_active) == (
        "Canal",
        "text",
        False,
        False,
    )
    assert field.choices == ""  # only a choice list keeps options

    response = as_admin.post(reverse("settings:field_delete", args=[service.pk, field.pk]))
    assert response["Location"] == edit_service
    assert not ServiceField.objects.exists()

    entries = AuditEntry.objects.filter(action=AuditEntry.Action.CATALOG_CHANGED, actor=admin_user)
    targets = list(entries.order_by("pk").values_list("target", "detail"))
    assert [target for target, _detail in targets] == [
        "campo da solicitação: Redes Sociais → Rede social",
        "campo da solicitação: Redes Sociais → Canal",
        "campo da solicitação: Redes Sociais → Canal",
    ]
    assert targets[0][1]["created"] is True and targets[2][1] == {"deleted": True}


def test_a_choice_list_needs_options_and_labels_are_unique_per_service(as_admin, social, website):
    service, _network, _date = social
    url = reverse("settings:field_new", args=[service.pk])
    response = as_admin.post(
        url, {"label": "Formato", "kind": "choice", "choices": "Só uma", "position": 3}
    )
    assert response.status_code == 200
    assert "Informe pelo menos duas opções, uma por linha." in response.content.decode()
    response = as_admin.post(url, {"label": "rede SOCIAL", "kind": "text", "position": 3})
    assert "Este serviço já tem um campo com este rótulo." in response.content.decode()
    assert service.intake_fields.count() == 2
    # Another service may use the same label.
    other, _page = website
    other_url = reverse("settings:field_new", args=[other.pk])
    assert (
        as_admin.post(
            other_url, {"label": "Rede social", "kind": "text", "position": 2}
        ).status_code
        == 302
    )


def test_a_new_field_comes_last(as_admin, social):
    service, _network, _date = social
    page = as_admin.get(reverse("settings:field_new", args=[service.pk]))
    assert page.context["form"]["position"].value() == 3


# --- NOVA SOLICITAÇÃO: the page


def test_the_page_draws_every_service_fields_hidden_until_chosen(
    client, contact_a, social, website
):
    service, _network, date = social
    client.force_login(contact_a)
    page = client.get(NEW).content.decode()
    for fieldset_service in (service, website[0]):
        tag = fieldset_tag(page, fieldset_service)
        assert "hidden" in tag and "disabled" in tag  # not shown, not sent
    assert "Informações para “Redes Sociais”" in page
    assert '<option value="Instagram">Instagram</option>' in page
    # A date typed dd/mm/aaaa in any browser, like the Prazo.
    assert re.search(rf'<input type="text" name="{field_key(date)}"[^>]*data-date-input', page)
    assert "Quando vai ao ar." in page
    # The script that shows them is a file of ours (the CSP allows no inline script).
    assert re.search(r'<script src="/static/portal/service_fields\.js" defer></script>', page)
    assert "<script>" not in page and "onchange" not in page
    assert client.get("/static/portal/service_fields.js").status_code == 200


def test_inactive_fields_and_services_are_not_drawn(client, contact_a, social, website):
    _service, network, _date = social
    network.is_active = False
    network.save()
    website[0].is_active = False
    website[0].save()
    client.force_login(contact_a)
    page = client.get(NEW).content.decode()
    assert "Rede social" not in page and "Data da publicação" in page
    assert "Endereço da página" not in page


def test_help_texts_and_labels_written_by_an_admin_are_shown_as_text(client, contact_a, catalog):
    add_field(catalog["service"], "<b>Rótulo</b>", help_text='<img src=x onerror="alert(1)">')
    client.force_login(contact_a)
    page = client.get(NEW).content.decode()
    assert "<b>Rótulo</b>" not in page and "&lt;b&gt;Rótulo&lt;/b&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


# --- Without the script: a second step


def test_without_the_script_the_fields_come_as_a_second_step(client, contact_a, catalog, social):
    service, network, date = social
    client.force_login(contact_a)
    key = client.get(NEW).context["form"]["submission"].value()
    # No fields_for: the fields were not on the page.
    response = client.post(NEW, form_data(catalog, submission=key))
    assert response.status_code == 200 and not Ticket.objects.exists()
    page = response.content.decode()
    tag = fieldset_tag(page, service)
    assert "hidden" not in tag and "disabled" not in tag
    assert "Este serviço pede mais algumas informações. Preencha-as e salve de novo." in page
    assert "Este campo é obrigatório." not in page  # not asked yet: no errors
    assert 'value="Posts de Natal"' in page and "Três posts para o feed." in page  # kept
    assert response.context["form"]["submission"].value() == key

    data = form_data(catalog, submission=key, **answered(service, **{field_key(network): ""}))
    response = client.post(NEW, data)  # the second step, the required field left empty
    assert errors_of(response.content.decode(), network) == ["Este campo é obrigatório."]
    assert errors_of(response.content.decode(), date) == []  # optional
    data[field_key(network)] = "Instagram"
    response = client.post(NEW, data)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert [(a.label, a.kind, a.value) for a in ticket.field_answers.all()] == [
        ("Rede social", "choice", "Instagram")
    ]


def test_the_second_step_shows_the_other_errors_too(client, contact_a, catalog, social):
    _service, network, _date = social
    client.force_login(contact_a)
    response = client.post(NEW, form_data(catalog, subject=""))
    page = response.content.decode()
    assert page.count("<li>Este campo é obrigatório.</li>") == 1  # the subject's
    assert 'id="id_subject_error"' in page
    assert "Este serviço pede mais algumas informações." in page
    assert errors_of(page, network) == []


def test_changing_the_service_at_the_second_step_asks_the_new_service_fields(
    client, contact_a, catalog, social, website
):
    service, network, _date = social
    other, page_field = website
    client.force_login(contact_a)
    # Shown Redes Sociais' fields, the client picks another service without the script.
    data = form_data(catalog, other, **answered(service, **{field_key(network): "Instagram"}))
    response = client.post(NEW, data)
    page = response.content.decode()
    assert "hidden" not in fieldset_tag(page, other) and "hidden" in fieldset_tag(page, service)
    assert errors_of(page, page_field) == [] and not Ticket.objects.exists()


def test_a_service_without_fields_opens_at_once(client, contact_a, catalog, website):
    client.force_login(contact_a)
    assert client.post(NEW, form_data(catalog)).status_code == 302  # Redes Sociais asks nothing
    assert not TicketFieldAnswer.objects.exists()


def test_files_must_be_chosen_again_when_the_form_comes_back(client, contact_a, catalog, social):
    client.force_login(contact_a)
    response = client.post(NEW, form_data(catalog, attachments=[pdf_upload("briefing.pdf")]))
    assert "Escolha os arquivos de novo" in response.content.decode()
    assert "Escolha os arquivos de novo" not in client.get(NEW).content.decode()


# --- With the script: the fields were on the page, errors next to each


GOOD_AND_BAD = [
    # kind, a good answer, how it is kept, a bad answer, its error
    (Kind.TEXT, "  Campanha de verão ", "Campanha de verão", "x" * 201, "no máximo 200 caracteres"),
    (Kind.LONG_TEXT, "Linha 1\nLinha 2", "Linha 1\nLinha 2", "x" * 5001, "no máximo 5000"),
    (
        Kind.URL,
        "acme.test/blog",
        "https://acme.test/blog",
        "não é um link",
        "Informe uma URL válida.",
    ),
    (Kind.DATE, "01/03/2027", "2027-03-01", "31/02/2027", "Informe uma data válida"),
    (Kind.NUMBER, "12.50", "12.5", "doze", "Informe um número."),
    (Kind.CHOICE, "Facebook", "Facebook", "Orkut", "Faça uma escolha válida."),
    (Kind.YES_NO, "no", "no", "talvez", "Faça uma escolha válida."),
]


@pytest.mark.parametrize(("kind", "good", "kept", "bad", "error"), GOOD_AND_BAD)
def test_each_kind_takes_its_answers_and_refuses_others_next_to_the_field(
    client, contact_a, catalog, kind, good, kept, bad, error
):
    service = catalog["service"]
    field = add_field(service, "Pergunta", kind, required=True, choices="Instagram\nFacebook")
    client.force_login(contact_a)
    response = client.post(NEW, form_data(catalog, **answered(service, **{field_key(field): bad})))
    assert response.status_code == 200 and not Ticket.objects.exists()
    [shown] = errors_of(response.content.decode(), field)
    assert error in shown
    response = client.post(NEW, form_data(catalog, **answered(service, **{field_key(field): good})))
    assert response.status_code == 302
    assert TicketFieldAnswer.objects.get().value == kept


def test_required_fields_must_be_answered_and_optional_ones_may_stay_empty(
    client, contact_a, catalog, social
):
    service, network, date = social
    client.force_login(contact_a)
    empty = {field_key(network): "", field_key(date): ""}
    response = client.post(NEW, form_data(catalog, **answered(service, **empty)))
    page = response.content.decode()
    assert errors_of(page, network) == ["Este campo é obrigatório."]
    assert errors_of(page, date) == []
    assert "Este serviço pede mais algumas informações." not in page  # not a second step
    response = client.post(
        NEW, form_data(catalog, **answered(service, **{**empty, field_key(network): "Facebook"}))
    )
    assert response.status_code == 302
    assert list(TicketFieldAnswer.objects.values_list("label", flat=True)) == ["Rede social"]


def test_the_fields_of_another_service_are_ignored(client, contact_a, catalog, social, website):
    service, network, _date = social
    _other, page_field = website
    client.force_login(contact_a)
    data = form_data(
        catalog,
        **answered(service, **{field_key(network): "Instagram", field_key(page_field): "lixo"}),
    )
    assert client.post(NEW, data).status_code == 302
    assert list(TicketFieldAnswer.objects.values_list("label", flat=True)) == ["Rede social"]


# --- The use case checks the answers again, whoever calls it (the API, the e-mail intake)


def open_with(contact, catalog, service, answers):
    return ticket_open(
        author=contact,
        subject="Pelo caminho de fora",
        department=catalog["department"],
        service=service,
        priority=catalog["priority"],
        body="Sem formulário.",
        deadline=timezone.localdate() + timedelta(days=3),
        answers=answers,
    )


def test_ticket_open_refuses_missing_wrong_and_unknown_answers(contact_a, catalog, social, website):
    service, network, date = social
    _other, page_field = website
    with pytest.raises(ValidationError) as refused:
        open_with(contact_a, catalog, service, {date.pk: "amanhã", page_field.pk: "x"})
    errors = refused.value.message_dict
    assert errors[field_key(network)] == ["Este campo é obrigatório."]
    assert errors[field_key(date)] == ["Informe uma data válida, como 10/12/2026."]
    assert (
        "não pede estes campos" in errors["answers"][0]
        and str(page_field.pk) in errors["answers"][0]
    )
    assert not Ticket.objects.exists() and not TicketFieldAnswer.objects.exists()


def test_ticket_open_takes_typed_values_too(contact_a, catalog):
    service = catalog["service"]
    fields = [
        add_field(service, "Data", Kind.DATE),
        add_field(service, "Quantidade", Kind.NUMBER),
        add_field(service, "Impulsionar?", Kind.YES_NO),
    ]
    day = datetime.date(2027, 5, 1)
    ticket = open_with(
        contact_a,
        catalog,
        service,
        dict(zip([f.pk for f in fields], [day, Decimal("3"), True], strict=True)),
    )
    values = list(ticket.field_answers.values_list("value", flat=True))
    assert values == ["2027-05-01", "3", "yes"]


def test_an_inactive_field_is_no_longer_asked(contact_a, catalog, social):
    service, network, date = social
    network.is_active = False
    network.save()
    ticket = open_with(contact_a, catalog, service, {date.pk: "2027-01-02"})
    assert [a.label for a in ticket.field_answers.all()] == ["Data da publicação"]
    with pytest.raises(ValidationError):
        check_answers(service, {network.pk: "Instagram"})


# --- The request pages


@pytest.fixture
def opened(contact_a, catalog, social, website):
    """#1 on Redes Sociais with both answers; its fields then change."""
    service, network, date = social
    return open_with(contact_a, catalog, service, {network.pk: "Instagram", date.pk: "2027-03-01"})


def test_both_pages_show_the_answers(client, contact_a, agent, opened):
    client.force_login(contact_a)
    page = client.get(reverse("tickets:detail", args=[1])).content.decode()
    assert "<dt>Rede social</dt>" in page and "Instagram" in page
    assert "1 de março de 2027" in page
    client.force_login(agent)
    page = client.get(reverse("workspace:ticket", args=[1])).content.decode()
    assert "<dt>Rede social</dt>" in page and "1 de março de 2027" in page


def test_every_kind_is_shown_in_the_page_language_and_links_are_safe(client, contact_a, catalog):
    service = catalog["service"]
    labels = ["Página", "Detalhes", "Verba", "Impulsionar?"]
    kinds = [Kind.URL, Kind.LONG_TEXT, Kind.NUMBER, Kind.YES_NO]
    fields = [add_field(service, label, kind) for label, kind in zip(labels, kinds, strict=True)]
    values = ["https://acme.test/a?b=1&c=2", "Linha <1>\nLinha 2", "1500.5", "yes"]
    open_with(contact_a, catalog, service, {f.pk: v for f, v in zip(fields, values, strict=True)})
    client.force_login(contact_a)
    page = client.get(reverse("tickets:detail", args=[1])).content.decode()
    link = '<a href="https://acme.test/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">'
    assert link in page
    assert "Linha &lt;1&gt;<br>Linha 2" in page
    assert "1500,5" in page
    assert re.search(r"<dt>Impulsionar\?</dt>\s*<dd[^>]*>Sim</dd>", page)


def test_answers_are_escaped_on_both_pages(client, contact_a, agent, catalog):
    service = catalog["service"]
    field = add_field(service, "<i>Legenda</i>")
    payload = '<script>alert("x")</script>'
    open_with(contact_a, catalog, service, {field.pk: payload})
    for who, url in [(contact_a, "tickets:detail"), (agent, "workspace:ticket")]:
        client.force_login(who)
        page = client.get(reverse(url, args=[1])).content.decode()
        assert payload not in page and "<i>Legenda</i>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "&lt;i&gt;Legenda&lt;/i&gt;" in page


def test_a_stored_link_that_is_not_a_web_address_is_not_a_link(client, contact_a, opened):
    TicketFieldAnswer.objects.create(
        ticket=opened, label="Site", kind=Kind.URL, value="javascript:alert(1)", position=9
    )
    client.force_login(contact_a)
    page = client.get(reverse("tickets:detail", args=[1])).content.decode()
    assert 'href="javascript' not in page and "javascript:alert(1)" in page


def test_changing_deactivating_or_deleting_fields_keeps_old_answers(
    client, contact_a, agent, catalog, social, opened
):
    service, network, date = social
    network.label = "Canal"
    network.kind = Kind.TEXT
    network.choices = ""
    network.save()
    date.is_active = False
    date.save()
    client.force_login(contact_a)
    before = client.get(reverse("tickets:detail", args=[1])).content.decode()
    date.delete()
    network.delete()
    for who, url in [(contact_a, "tickets:detail"), (agent, "workspace:ticket")]:
        client.force_login(who)
        page = client.get(reverse(url, args=[1])).content.decode()
        assert "<dt>Rede social</dt>" in page and "Instagram" in page and "Canal" not in page
        assert "<dt>Data da publicação</dt>" in page and "1 de março de 2027" in page
    assert "<dt>Rede social</dt>" in before
    assert list(opened.field_answers.values_list("field", flat=True)) == [None, None]
    # New requests ask the fields as they are now.
    assert open_with(contact_a, catalog, service, {}).field_answers.count() == 0


# --- Search


@pytest.mark.parametrize("where", ["client", "staff"])
def test_search_finds_an_answer_and_shows_it(client, contact_a, agent, catalog, website, where):
    service, page_field = website
    open_ticket(contact_a, subject="Outra coisa")
    open_with(contact_a, catalog, service, {page_field.pk: "https://acme.test/promocoes-verao"})
    client.force_login(contact_a if where == "client" else agent)
    response = client.get(LIST if where == "client" else QUEUE, {"q": "promoções"})
    [found] = response.context["page"].object_list
    assert found.number == 2
    assert found.search_snippet == (
        "Endereço da página: https://acme.test/<mark>promocoes</mark>-verao"
    )


def test_search_keeps_message_snippets_first(client, contact_a, catalog, website):
    service, page_field = website
    ticket = open_with(contact_a, catalog, service, {page_field.pk: "https://acme.test/blog"})
    ticket.messages.update(body="Mudar o blog todo.")  # the index follows (trigger, vector)
    client.force_login(contact_a)
    [found] = client.get(LIST, {"q": "blog"}).context["page"].object_list
    assert found.search_snippet == "Mudar o <mark>blog</mark> todo."


def test_another_company_does_not_find_the_answer(client, contact_b, contact_a, catalog, website):
    service, page_field = website
    open_with(contact_a, catalog, service, {page_field.pk: "https://acme.test/segredo"})
    client.force_login(contact_b)
    assert list(client.get(LIST, {"q": "segredo"}).context["page"].object_list) == []


def test_a_deleted_answer_leaves_the_index(client, contact_a, catalog, website):
    service, page_field = website
    ticket = open_with(contact_a, catalog, service, {page_field.pk: "https://acme.test/sumiu"})
    client.force_login(contact_a)
    assert len(client.get(LIST, {"q": "sumiu"}).context["page"].object_list) == 1
    ticket.field_answers.all().delete()
    assert len(client.get(LIST, {"q": "sumiu"}).context["page"].object_list) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search index")
def test_postgresql_searches_the_answers_through_a_gin_index():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "tickets_ticketfieldanswer")
    assert indexes["field_answer_search"]["type"] == "gin"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's search index")
def test_sqlite_puts_back_the_answers_index_a_table_rebuild_dropped(contact_a, catalog, website):
    service, page_field = website
    open_with(contact_a, catalog, service, {page_field.pk: "https://acme.test/reconstruir"})
    with connection.cursor() as cursor:
        for trigger in SQLITE_TRIGGERS:
            if trigger.startswith("tickets_ticketfieldanswer_fts_"):
                cursor.execute(f"DROP TRIGGER {trigger}")
        cursor.execute("DELETE FROM tickets_ticketfieldanswer_fts")
    ensure_sqlite_index()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticketfieldanswer_fts")
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        assert {row[0] for row in cursor.fetchall()} >= set(SQLITE_TRIGGERS)


# --- Query budgets: a fixed number of queries, whatever the number of fields and answers


def many_fields(service, count: int) -> list[ServiceField]:
    start = service.intake_fields.count()
    return [add_field(service, f"Pergunta {start + n}", Kind.TEXT) for n in range(count)]


def test_opening_runs_the_same_queries_with_one_field_or_ten(client, contact_a, catalog):
    service = catalog["service"]
    client.force_login(contact_a)
    client.get(NEW)

    def post(fields) -> int:
        answers = {field_key(f): f"Resposta {f.pk}" for f in fields}
        with CaptureQueriesContext(connection) as counted:
            assert (
                client.post(NEW, form_data(catalog, **answered(service, **answers))).status_code
                == 302
            )
        return len(counted.captured_queries)

    post(many_fields(service, 1))  # warm
    service.intake_fields.all().delete()
    one = post(many_fields(service, 1))
    service.intake_fields.all().delete()
    ten = post(many_fields(service, 10))
    assert one == ten
    assert TicketFieldAnswer.objects.filter(ticket__number=3).count() == 10


def test_the_new_request_page_does_not_grow_with_fields(
    client, contact_a, catalog, website, django_assert_num_queries
):
    client.force_login(contact_a)
    client.get(NEW)
    with CaptureQueriesContext(connection) as few:
        client.get(NEW)
    many_fields(catalog["service"], 6)
    many_fields(Service.objects.get(name="Design Gráfico"), 4)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(NEW)


@pytest.mark.parametrize("url", ["tickets:detail", "workspace:ticket"])
def test_the_request_pages_do_not_grow_with_answers(
    client, contact_a, agent, catalog, url, django_assert_num_queries
):
    service = catalog["service"]
    first = many_fields(service, 1)
    open_with(contact_a, catalog, service, {first[0].pk: "Uma"})
    more = many_fields(service, 9)
    open_with(contact_a, catalog, service, {f.pk: "Várias" for f in first + more})
    client.force_login(contact_a if url == "tickets:detail" else agent)
    client.get(reverse(url, args=[1]))
    client.get(reverse(url, args=[2]))  # the first visit of a page counts more for staff
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(url, args=[1]))
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse(url, args=[2])).content.decode()
    assert page.count("Várias") == 10


# --- Demo data


def test_the_demo_asks_the_guide_examples_and_its_requests_answer_them(db):
    from tools.demo import load_demo, load_service_fields

    load_demo()
    load_service_fields()  # again: nothing doubles
    social = Service.objects.get(name="Redes Sociais")
    assert [(f.label, f.kind, f.required) for f in social.intake_fields.all()] == [
        ("Rede social", "choice", True),
        ("Data da publicação", "date", False),
    ]
    assert social.intake_fields.get(label="Rede social").options() == [
        "Instagram",
        "Facebook",
        "LinkedIn",
        "TikTok",
    ]
    website = Service.objects.get(name="Atualização / Website")
    assert [(f.label, f.kind) for f in website.intake_fields.all()] == [
        ("Endereço da página", "url")
    ]
    answered_tickets = Ticket.objects.filter(field_answers__label="Rede social").distinct()
    assert answered_tickets.count() == Ticket.objects.filter(service=social).count() == 2
