"""Full-text search over ticket subjects, messages and the answers to a service's fields:
matching, ranking and marking.

The one search of the portal: the client list (subjects, the messages the client sees,
the answers) and the staff queue (internal notes too, and ``#123`` finds ticket 123)
both call it. A ticket matches when its subject, one of its messages or one of its
answers contains every word of the query, ignoring case and accents and comparing
Portuguese stems: "relatorio" finds "Relatório", "atualizações" finds "atualização".
The Snowball stemmer leaves some plurals alone (loanwords: "banners"), so each query
word also looks for its singular or plural form: "banners" finds "banner" and the
other way round.

- PostgreSQL: stored ``tsvector`` columns generated with the ``portuguese_unaccent``
  configuration (unaccent, then the Portuguese Snowball stemmer), GIN indexes,
  ``SearchQuery``/``SearchRank``.
- SQLite: FTS5 tables of the stems computed here with the same stemmer and stop
  words, maintained by triggers; ranked with ``bm25``.

Words are marked with ``<mark>`` in Python for both, after escaping the text.
"""

from __future__ import annotations

import operator
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, reduce
from typing import Any, Protocol

import snowballstemmer
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    DateTimeField,
    Expression,
    Field,
    FloatField,
    Lookup,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from portal.tickets.models import Message, Ticket, TicketFieldAnswer
from portal.tickets.search_schema import CONFIG, SQLITE_TABLES, SQLITE_TRIGGERS, sqlite_index

# PostgreSQL's parser splits words at anything but letters and digits (underscores too).
_WORD = re.compile(r"[^\W_]+")
# The stop words of PostgreSQL's Portuguese dictionary (Snowball's list). As there, they
# are checked after accents are removed, so "você" is a word and "é" (now "e") is not.
_STOP_WORDS = """
    de a o que e do da em um para com não uma os no se na por mais as dos como mas ao
    ele das à seu sua ou quando muito nos já eu também só pelo pela até isso ela entre
    depois sem mesmo aos seus quem nas me esse eles você essa num nem suas meu às minha
    numa pelos elas qual nós lhe deles essas esses pelas este dele tu te vocês vos lhes
    meus minhas teu tua teus tuas nosso nossa nossos nossas dela delas esta estes estas
    aquele aquela aqueles aquelas isto aquilo estou está estamos estão estive esteve
    estivemos estiveram estava estávamos estavam estivera estivéramos esteja estejamos
    estejam estivesse estivéssemos estivessem estiver estivermos estiverem hei há havemos
    hão houve houvemos houveram houvera houvéramos haja hajamos hajam houvesse
    houvéssemos houvessem houver houvermos houverem houverei houverá houveremos houverão
    houveria houveríamos houveriam sou somos são era éramos eram fui foi fomos foram fora
    fôramos seja sejamos sejam fosse fôssemos fossem for formos forem serei será seremos
    serão seria seríamos seriam tenho tem temos tém tinha tínhamos tinham tive teve
    tivemos tiveram tivera tivéramos tenha tenhamos tenham tivesse tivéssemos tivessem
    tiver tivermos tiverem terei terá teremos terão teria teríamos teriam
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# (plural ending, singular ending), most specific first: imagens/imagem, fiscais/fiscal,
# papéis/papel, banners/banner.
PLURAL_ENDINGS = [("ns", "m"), ("ais", "al"), ("eis", "el"), ("s", "")]
MAX_QUERY_WORDS = 8
# Subjects weigh more than messages: a subject that matches puts the ticket first.
SUBJECT_WEIGHT = 10.0

_local = threading.local()


class _Stemmer(Protocol):
    """What is used of a Snowball stemmer (the package has no type hints)."""

    def stemWord(self, word: str) -> str: ...


def _stemmer() -> _Stemmer:
    # Snowball stemmers keep state while they work: one per thread.
    if not hasattr(_local, "stemmer"):
        _local.stemmer = snowballstemmer.stemmer("portuguese")
    return _local.stemmer


def _unaccent(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def lexeme(word: str) -> str | None:
    """What PostgreSQL's ``portuguese_unaccent`` makes of one word; None for a stop word."""
    lowered = word.lower()
    if any(char.isdigit() for char in lowered):
        return lowered  # numbers and codes such as "mp4" are kept as they are
    plain = _unaccent(lowered)
    if plain in STOP_WORDS:
        return None
    return _stemmer().stemWord(plain)


def document_terms(text: str | None) -> str:
    """The stems of a text, as SQLite's index stores them (``portal_search_terms``)."""
    if not text:
        return ""
    return " ".join(filter(None, (lexeme(word) for word in _WORD.findall(text))))


def _forms(word: str) -> tuple[str, ...]:
    """The word and its plural or singular."""
    word = word.lower()
    if any(char.isdigit() for char in word):
        return (word,)
    for plural, singular in PLURAL_ENDINGS:
        if word.endswith(plural) and len(word) > len(plural) + 2:
            return (word, word[: len(word) - len(plural)] + singular)
    for plural, singular in PLURAL_ENDINGS:
        if singular and word.endswith(singular):
            return (word, word[: len(word) - len(singular)] + plural)
    return (word, word + "s")


@dataclass(frozen=True)
class SearchTerms:
    """A query, read: per word, the forms to look for; and a ticket number, if asked."""

    words: tuple[tuple[str, ...], ...]
    number: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.words and self.number is None

    @property
    def lexemes(self) -> frozenset[str]:
        return frozenset(
            stem for forms in self.words for form in forms if (stem := lexeme(form)) is not None
        )

    def fts5(self) -> str:
        """The FTS5 query: every word, each in any of its forms."""
        groups = []
        for forms in self.words:
            stems = sorted({stem for form in forms if (stem := lexeme(form)) is not None})
            groups.append("(" + " OR ".join(f'"{stem}"' for stem in stems) + ")")
        return " AND ".join(groups)


@lru_cache(maxsize=256)
def parse(text: str, *, numbers: bool = False) -> SearchTerms:
    """Read a query. With ``numbers``, "#123" means ticket 123 (and "123" also does)."""
    text = text.strip()
    number = None
    if numbers and text.lstrip("#").isdigit() and len(text.lstrip("#")) < 10:
        number = int(text.lstrip("#"))
        if text.startswith("#"):
            return SearchTerms(words=(), number=number)
    words = []
    for word in _WORD.findall(text)[:MAX_QUERY_WORDS]:
        if lexeme(word) is None:
            continue  # a stop word: PostgreSQL leaves it out of the query too
        forms = tuple(form for form in _forms(word) if lexeme(form) is not None)
        if forms not in words:
            words.append(forms)
    return SearchTerms(words=tuple(words), number=number)


class _TableSQL(Expression):
    """SQL that refers to the row of the query it is in as ``{table}``.

    The stored vectors and the FTS5 tables are not Django fields; this resolves the
    table's alias when the SQL is compiled, so it also works inside subqueries.
    """

    def __init__(self, sql: str, params: Sequence[Any], output_field: Field) -> None:
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, params

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        table = compiler.quote_name(compiler.query.base_table)
        return self.sql.replace("{table}", table), tuple(self.params)


def _visible(messages: QuerySet[Message], internal: bool) -> QuerySet[Message]:
    return messages if internal else messages.filter(is_internal=False)


def _vendor(queryset: QuerySet) -> str:
    return connections[queryset.db].vendor


# --- PostgreSQL


def _tsquery(terms: SearchTerms) -> Expression:
    from django.contrib.postgres.search import SearchQuery

    def any_form(forms: tuple[str, ...]) -> Expression:
        # One form per stem: "mare" and "mares" are both 'mar' (a repeated alternative
        # makes PostgreSQL think the word is twice as common as it is).
        distinct = {lexeme(form): form for form in reversed(forms)}.values()
        return reduce(operator.or_, (SearchQuery(form, config=CONFIG) for form in distinct))

    return reduce(operator.and_, (any_form(forms) for forms in terms.words))


def _stored_vector() -> _TableSQL:
    from django.contrib.postgres.search import SearchVectorField

    return _TableSQL("{table}.search_vector", [], SearchVectorField())


def _vector_matches(terms: SearchTerms) -> Lookup:
    from django.contrib.postgres.search import SearchVectorExact

    return SearchVectorExact(_stored_vector(), _tsquery(terms))


def _postgresql_rank(terms: SearchTerms) -> Case:
    from django.contrib.postgres.search import SearchRank

    return Case(
        When(_vector_matches(terms), then=SearchRank(_stored_vector(), _tsquery(terms))),
        default=Value(0.0),
        output_field=FloatField(),
    )


# --- SQLite


def _fts_rowids(table: str, terms: SearchTerms) -> RawSQL:
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608 - a table of ours
    return RawSQL(sql, [terms.fts5()])  # noqa: S611


def _sqlite_rank(terms: SearchTerms) -> _TableSQL:
    # bm25() works only where the FTS5 query drives the scan: the subjects that match
    # are ranked once, in a subquery SQLite keeps (LIMIT -1 stops it from merging the
    # subquery into the outer one), and each ticket looks its rank up there.
    return _TableSQL(
        "coalesce((SELECT rank FROM (SELECT rowid AS id, -bm25(tickets_ticket_fts) AS rank "
        "FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s LIMIT -1) "
        "WHERE id = {table}.id), 0)",
        [terms.fts5()],
        FloatField(),
    )


# --- Both


def _message_matches(terms: SearchTerms, vendor: str) -> Q:
    if vendor == "postgresql":
        return Q(_vector_matches(terms))
    return Q(pk__in=_fts_rowids("tickets_message_fts", terms))


def _answer_matches(terms: SearchTerms, vendor: str) -> Q:
    if vendor == "postgresql":
        return Q(_vector_matches(terms))
    return Q(pk__in=_fts_rowids("tickets_ticketfieldanswer_fts", terms))


def _subject_matches(terms: SearchTerms, vendor: str) -> Q:
    if vendor == "postgresql":
        return Q(_vector_matches(terms))
    return Q(pk__in=_fts_rowids("tickets_ticket_fts", terms))


def matching[T: QuerySet[Ticket]](
    tickets: T, text: str, *, internal: bool, numbers: bool = False
) -> T:
    """The tickets among ``tickets`` whose subject, a message or an answer to one of the
    service's fields matches ``text``.

    ``internal``: internal notes count (staff only). ``numbers``: "#123" finds ticket 123.
    The matches come from the search indexes alone (a UNION of the subjects, the messages
    and the answers that match), so the database starts from them however the page is then
    ordered: asked with an OR, PostgreSQL guessed that half the tickets would match
    and read the whole table in date order to find fifty.
    """
    terms = parse(text, numbers=numbers)
    if terms.is_empty:
        return tickets.none()
    condition = Q(pk__in=[])
    if terms.words:
        vendor = _vendor(tickets)
        subjects = Ticket.objects.filter(_subject_matches(terms, vendor)).values("pk")
        messages = _visible(Message.objects.filter(_message_matches(terms, vendor)), internal)
        answers = TicketFieldAnswer.objects.filter(_answer_matches(terms, vendor))
        condition = Q(
            pk__in=subjects.union(messages.values("ticket_id"), answers.values("ticket_id"))
        )
    if terms.number is not None:
        condition |= Q(number=terms.number)
    return tickets.filter(condition)


def _rank(tickets: QuerySet[Ticket], text: str, *, numbers: bool) -> Expression:
    """How well the subject matches (``SearchRank`` on PostgreSQL, ``bm25`` on SQLite),
    0 when only messages do; the ticket asked for by number first."""
    terms = parse(text, numbers=numbers)
    rank: Expression = Value(0.0, output_field=FloatField())
    if terms.words:
        postgresql = _vendor(tickets) == "postgresql"
        rank = _postgresql_rank(terms) if postgresql else _sqlite_rank(terms)
    if terms.number is not None:
        rank = rank + Case(When(number=terms.number, then=Value(1000.0)), default=Value(0.0))
    return rank


def with_rank[T: QuerySet[Ticket]](
    tickets: T, text: str, *, internal: bool, numbers: bool = False
) -> T:
    """Annotate ``search_rank``: how well the subject matches (``SearchRank`` on PostgreSQL,
    ``bm25`` on SQLite), 0 when only messages do; the ticket asked for by number first."""
    return tickets.annotate(search_rank=_rank(tickets, text, numbers=numbers))


def search(
    tickets: QuerySet[Ticket], text: str, *, internal: bool, numbers: bool = False
) -> QuerySet[Ticket]:
    """Tickets that match, best first: subject matches by relevance, then the latest activity."""
    results = matching(tickets, text, internal=internal, numbers=numbers)
    ranked = results.annotate(search_rank=_rank(results, text, numbers=numbers))
    return ranked.order_by("-search_rank", "-last_activity_at", "-pk")


@dataclass(frozen=True)
class Bounded:
    """The best candidates of a search, ranked: at most ``limit`` tickets, and whether
    more matched (the page then says "more than N results" instead of counting them)."""

    tickets: QuerySet[Ticket]
    count: int
    more: bool


def bounded_search(tickets: QuerySet[Ticket], text: str, *, internal: bool, limit: int) -> Bounded:
    """``search`` over the best ``limit`` candidates only.

    A common word matches a large part of the database; ranking every match and counting
    them all grew with the data. The candidates come first, from the indexes: tickets whose
    subject matches, then the others, each by latest activity (one query of ids, at most
    ``limit + 1``). Only those are ranked, as ``search`` ranks. When no more than ``limit``
    tickets match, the results and their order are exactly ``search``'s.
    """
    results = matching(tickets, text, internal=internal)
    terms = parse(text)
    subject_first = Case(
        When(_subject_matches(terms, _vendor(results)), then=Value(1)), default=Value(0)
    )
    ids = list(
        results.annotate(subject_first=subject_first)
        .order_by("-subject_first", "-last_activity_at", "-pk")
        .values_list("pk", flat=True)[: limit + 1]
    )
    chosen = tickets.filter(pk__in=ids[:limit])
    ranked = chosen.annotate(search_rank=_rank(chosen, text, numbers=False))
    return Bounded(
        tickets=ranked.order_by("-search_rank", "-last_activity_at", "-pk"),
        count=min(len(ids), limit),
        more=len(ids) > limit,
    )


# --- Marking the words found


def highlight(text: str, terms: SearchTerms) -> SafeString:
    """The text, escaped, with the words that match wrapped in ``<mark>``."""
    wanted = terms.lexemes
    parts, last = [], 0
    for word in _WORD.finditer(text):
        if lexeme(word.group()) in wanted:
            parts += [escape(text[last : word.start()]), "<mark>", escape(word.group()), "</mark>"]
            last = word.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the text is escaped


def snippet(text: str, terms: SearchTerms, *, width: int = 180) -> SafeString | None:
    """An excerpt of ``text`` around its first match, marked; None when nothing matches."""
    text = " ".join(text.split())
    wanted = terms.lexemes
    first = next((m for m in _WORD.finditer(text) if lexeme(m.group()) in wanted), None)
    if first is None:
        return None
    start = max(0, first.start() - width // 3)
    if start:
        start = text.find(" ", start, first.start()) + 1 or start
    end = min(len(text), start + width)
    if end < len(text):
        end = text.rfind(" ", first.end(), end) if text.rfind(" ", first.end(), end) > 0 else end
    excerpt = highlight(text[start:end], terms)
    return mark_safe(("…" if start else "") + excerpt + ("…" if end < len(text) else ""))  # noqa: S308


def _matches(text: str, terms: SearchTerms) -> bool:
    """Whether a text contains every word of the query, as the database decides it."""
    stems = {lexeme(word) for word in _WORD.findall(text)}
    return all(any(lexeme(form) in stems for form in forms) for forms in terms.words)


def _page_texts(
    tickets: list[Ticket], terms: SearchTerms, internal: bool
) -> list[tuple[int, str, str]]:
    """(ticket id, label, text) of the page's messages, oldest first, then of the answers
    to their service's fields, in their order (label empty for a message): one query."""
    messages = _visible(Message.objects.filter(ticket__in=tickets), internal)
    answers = TicketFieldAnswer.objects.filter(ticket__in=tickets)
    if _vendor(messages) == "postgresql":
        messages = messages.filter(_vector_matches(terms))
        answers = answers.filter(_vector_matches(terms))
    no_time = Value(None, output_field=DateTimeField())
    message_rows = messages.values_list(
        "ticket_id", Value(0), "created_at", "pk", Value(""), "body"
    ).order_by()
    answer_rows = answers.values_list(
        "ticket_id", Value(1), no_time, "position", "label", "value"
    ).order_by()
    rows = list(message_rows.union(answer_rows, all=True))
    # By ticket, messages (by time) before answers (by position); only the first of a
    # ticket's texts that matches is shown.
    rows.sort(key=lambda row: row[:4])
    return [(ticket_id, label, text) for ticket_id, _source, _at, _order, label, text in rows]


def mark_page(tickets: Iterable[Ticket], text: str, *, internal: bool) -> None:
    """Give each ticket of a page of results ``search_subject`` (its subject, marked) and
    ``search_snippet`` (an excerpt of its first matching message, else its first matching
    answer as "Label: answer", marked; or None).

    One query, for the messages and answers of these tickets only (not every message that
    matches anywhere, which for a common word is a large part of the database).
    """
    tickets = list(tickets)
    terms = parse(text)
    found: dict[int, tuple[str, str]] = {}
    if terms.words and tickets:
        for ticket_id, label, body in _page_texts(tickets, terms, internal):
            if ticket_id not in found and _matches(body, terms):
                found[ticket_id] = (label, body)
    for ticket in tickets:
        ticket.search_subject = highlight(ticket.subject, terms)
        label, matched = found.get(ticket.pk, ("", ""))
        excerpt = snippet(matched, terms) if matched else None
        if excerpt is not None and label:
            excerpt = format_html("{}: {}", label, excerpt)
        ticket.search_snippet = excerpt


# --- SQLite upkeep


def register_sqlite_functions(
    sender: type[BaseDatabaseWrapper], connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    """``connection_created`` receiver: the stemmer the SQLite triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "portal_search_terms", 1, document_terms, deterministic=True
        )


def ensure_sqlite_index(using: str = "default", **kwargs: Any) -> None:
    """``post_migrate`` receiver: put back the SQLite triggers a table rebuild dropped,
    and re-index then, since rows may have changed without them."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "tickets_ticket_fts" not in tables:
            return  # migration 0006 not applied (yet)
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'tickets_%_fts_%'"
        )
        present = {row[0] for row in cursor.fetchall()}
        for fts, (table, _column) in SQLITE_TABLES.items():
            triggers = {name for name in SQLITE_TRIGGERS if name.startswith(f"{fts}_")}
            # A table whose migration is not applied (yet) has no index to mend.
            if table in tables and not present >= triggers:
                for statement in sqlite_index(fts):
                    cursor.execute(statement)
