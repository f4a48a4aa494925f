"""The search, on whichever database the suite runs (CI runs it on SQLite and PostgreSQL):
the same results on both."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from portal.tickets import search
from portal.tickets.models import Message, Ticket
from portal.tickets.search import SearchTerms, highlight, lexeme, parse, snippet
from portal.tickets.services import ticket_answer
from tests.support.factories import open_ticket

LIST = reverse("tickets:list")
QUEUE = reverse("workspace:queue")


def found(client, url: str, query: str) -> list[int]:
    return [r.number for r in client.get(url, {"q": query}).context["page"].object_list]


# --- Reading a query (no database)


def test_words_lose_case_and_accents_and_keep_their_stem():
    assert lexeme("Relatório") == lexeme("relatorio") == lexeme("RELATORIOS") == "relatori"
    assert lexeme("atualizações") == lexeme("atualizacoes")
    assert lexeme("de") is None and lexeme("é") is None  # stop words


def test_each_word_also_looks_for_its_plural_or_singular():
    assert parse("banners").words == (("banners", "banner"),)
    assert parse("banner").words == (("banner", "banners"),)
    assert parse("imagens fiscal").words == (("imagens", "imagem"), ("fiscal", "fiscais"))


def test_a_query_of_stop_words_only_is_empty_and_a_hash_number_is_a_number():
    assert parse("de para com").is_empty
    assert parse("#123", numbers=True) == SearchTerms(words=(), number=123)
    assert parse("#123").number is None


def test_highlighting_marks_the_words_and_escapes_everything_else():
    marked = highlight("<b>Relatório</b> & banners", parse("relatorio banner"))
    assert marked == "&lt;b&gt;<mark>Relatório</mark>&lt;/b&gt; &amp; <mark>banners</mark>"


def test_a_snippet_is_cut_around_the_first_match():
    text = "palavra " * 60 + "o relatório final " + "fim " * 60
    excerpt = snippet(text, parse("relatorio"))
    assert "<mark>relatório</mark>" in excerpt
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert len(excerpt) < 250
    assert snippet("nada aqui", parse("relatorio")) is None


# --- Searching (the database)


@pytest.fixture
def tickets(db, contact_a, contact_b, agent, catalog):
    """#1 subject "Relatório de vendas"; #2 a message about banners; #3 an internal note
    about a banner; #4 another company's banner."""
    first = open_ticket(contact_a, subject="Relatório de vendas", body="Segue a planilha.")
    second = open_ticket(contact_a, subject="Campanha", body="Precisamos de novos banners.")
    third = open_ticket(contact_a, subject="Outro assunto", body="Nada a ver.")
    ticket_answer(ticket=third, author=agent, body="Banner interno, não mostrar", internal=True)
    fourth = open_ticket(contact_b, subject="Banner do site", body="Trocar o banner.")
    return first, second, third, fourth


@pytest.mark.django_db
def test_accents_and_case_do_not_matter(client, contact_a, tickets):
    client.force_login(contact_a)
    assert found(client, LIST, "relatorio") == [1]
    assert found(client, LIST, "RELATÓRIOS") == [1]


@pytest.mark.django_db
def test_plural_and_singular_find_each_other(client, contact_a, tickets):
    client.force_login(contact_a)
    assert found(client, LIST, "banner") == [2]
    assert found(client, LIST, "banners") == [2]


@pytest.mark.django_db
def test_clients_never_find_internal_notes_nor_other_companies(client, contact_a, tickets):
    client.force_login(contact_a)
    body = client.get(LIST, {"q": "banner"}).content.decode()
    assert "interno" not in body and "Banner do site" not in body


@pytest.mark.django_db
def test_staff_find_internal_notes_every_company_and_numbers(client, agent, tickets):
    client.force_login(agent)
    assert sorted(found(client, QUEUE, "banner")) == [2, 3, 4]
    assert found(client, QUEUE, "#3") == [3]
    assert found(client, QUEUE, "2") == [2]


@pytest.mark.django_db
def test_every_word_must_be_in_the_subject_or_in_one_message(client, contact_a, tickets):
    client.force_login(contact_a)
    assert found(client, LIST, "relatório vendas") == [1]
    assert found(client, LIST, "relatório banners") == []


@pytest.mark.django_db
def test_subject_matches_rank_before_message_matches(client, agent, contact_a, tickets):
    # The newest activity is on #2, which only a message matches.
    ticket_answer(ticket=tickets[1], author=agent, body="Atualizamos o relatório também.")
    client.force_login(contact_a)
    assert found(client, LIST, "relatorio") == [1, 2]


@pytest.mark.django_db
def test_matches_are_marked_in_the_list(client, contact_a, tickets):
    Ticket.objects.filter(pk=tickets[0].pk).update(subject="<i>Relatório</i> de vendas")
    client.force_login(contact_a)
    body = client.get(LIST, {"q": "relatorio"}).content.decode()
    assert "&lt;i&gt;<mark>Relatório</mark>&lt;/i&gt; de vendas" in body
    body = client.get(LIST, {"q": "banners"}).content.decode()
    assert "Precisamos de novos <mark>banners</mark>." in body


@pytest.mark.django_db
def test_the_index_follows_edits_and_deletions(contact_a, tickets):
    message = Message.objects.get(ticket=tickets[0])
    message.body = "Agora fala de orçamento"
    message.save()
    visible = Ticket.objects.all()
    assert search.matching(visible, "orcamento", internal=False).get() == tickets[0]
    assert not search.matching(visible, "planilha", internal=False).exists()
    tickets[3].messages.all().delete()
    tickets[3].events.all().delete()
    tickets[3].clocks.all().delete()
    tickets[3].delete()
    assert not search.matching(visible, "site", internal=True).exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's dictionary")
def test_postgresql_stems_as_the_python_side_does():
    words = ["Relatório", "atualizações", "banners", "você", "serviços", "Maré", "imagens"]
    with connection.cursor() as cursor:
        for word in words:
            cursor.execute("SELECT to_tsvector('portuguese_unaccent', %s)::text", [word])
            assert cursor.fetchone()[0] == f"'{lexeme(word)}':1"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_sqlite_triggers_come_back_after_a_migration_drops_them(contact_a, catalog):
    open_ticket(contact_a, subject="Relatório antigo")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER tickets_ticket_fts_insert")
    open_ticket(contact_a, subject="Relatório novo")  # not indexed: no trigger
    search.ensure_sqlite_index()
    subjects = search.matching(Ticket.objects.all(), "relatorio", internal=False)
    assert sorted(subjects.values_list("subject", flat=True)) == [
        "Relatório antigo",
        "Relatório novo",
    ]
