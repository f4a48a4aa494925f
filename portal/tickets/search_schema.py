"""The database side of the ticket search, per vendor (see ``portal.tickets.search``).

Migration 0006 runs these statements (0013 those of the answers to a service's fields);
``ensure_sqlite_index`` runs the SQLite ones again after every ``migrate``, because
Django rebuilds a SQLite table (and so drops its triggers) for many schema changes.
Change them only together with a migration.
"""

# ruff: noqa: S608 - every statement is built from the constant names below, never from input

from __future__ import annotations

CONFIG = "portuguese_unaccent"

# PostgreSQL: Portuguese stemming after removing accents, so "relatorio" finds
# "Relatório". The vectors are stored generated columns: the database computes them
# on every insert and update, whoever writes the row (use cases, bulk inserts, the
# admin, SQL by hand), so they cannot drift from the text. Django does not know
# these columns; the search reads them through ``StoredVector``.
POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = portuguese);
        ALTER TEXT SEARCH CONFIGURATION {CONFIG}
          ALTER MAPPING FOR hword, hword_part, word, asciiword, asciihword, hword_asciipart
          WITH unaccent, portuguese_stem;
      END IF;
    END $$
    """,
    # Subjects weigh more (A) than messages (D) in the rank.
    f"""
    ALTER TABLE tickets_ticket ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (setweight(to_tsvector('{CONFIG}'::regconfig, subject), 'A')) STORED
    """,
    f"""
    ALTER TABLE tickets_message ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (to_tsvector('{CONFIG}'::regconfig, body)) STORED
    """,
    "CREATE INDEX request_search ON tickets_ticket USING gin (search_vector)",
    "CREATE INDEX message_search ON tickets_message USING gin (search_vector)",
    # More words in the planner's statistics: with the default it guessed that a word it
    # had not sampled was in 1% of the messages (10,000 instead of 92) and read every
    # ticket instead of the few that match.
    "ALTER TABLE tickets_ticket ALTER COLUMN search_vector SET STATISTICS 1000",
    "ALTER TABLE tickets_message ALTER COLUMN search_vector SET STATISTICS 1000",
]
# The answers to a service's fields (migration 0013): documents of their own, like messages.
# Many are links ("https://acme.test/promocoes-verao"), which PostgreSQL's parser keeps as
# single tokens: punctuation is made a space first, so their words are found as on SQLite
# (and as the highlighting marks them).
POSTGRESQL_ANSWERS_FORWARD = [
    f"""
    ALTER TABLE tickets_ticketfieldanswer ADD COLUMN search_vector tsvector
      GENERATED ALWAYS AS (to_tsvector('{CONFIG}'::regconfig,
        regexp_replace(value, '[[:punct:][:space:]]+', ' ', 'g'))) STORED
    """,
    "CREATE INDEX field_answer_search ON tickets_ticketfieldanswer USING gin (search_vector)",
]
POSTGRESQL_ANSWERS_BACKWARD = [
    "DROP INDEX IF EXISTS field_answer_search",
    "ALTER TABLE tickets_ticketfieldanswer DROP COLUMN IF EXISTS search_vector",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS message_search",
    "DROP INDEX IF EXISTS request_search",
    "ALTER TABLE tickets_message DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_vector",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
]

# SQLite: one FTS5 table per kind of document, keyed by the row's id. SQLite has no
# Portuguese stemmer, so the tables hold the stems that ``portal_search_terms``
# computes in Python (the same Snowball algorithm and stop words as PostgreSQL's
# configuration); triggers keep them in step with the rows. The function is
# registered on every connection Django opens (``RequestsConfig.ready``): writing
# tickets or messages from a bare sqlite3 shell fails instead of leaving the index
# stale.
SQLITE_TABLES = {
    "tickets_ticket_fts": ("tickets_ticket", "subject"),
    "tickets_message_fts": ("tickets_message", "body"),
    "tickets_ticketfieldanswer_fts": ("tickets_ticketfieldanswer", "value"),  # since 0013
}


def _sqlite_statements(fts: str, table: str, column: str) -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(terms)",
        f"""
        CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN
          INSERT INTO {fts}(rowid, terms) VALUES (new.id, portal_search_terms(new.{column}));
        END
        """,
        f"""
        CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {column} ON {table}
        WHEN new.{column} IS NOT old.{column} BEGIN
          UPDATE {fts} SET terms = portal_search_terms(new.{column}) WHERE rowid = new.id;
        END
        """,
        f"""
        CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN
          DELETE FROM {fts} WHERE rowid = old.id;
        END
        """,
    ]


SQLITE_FORWARD = [
    statement
    for fts, (table, column) in SQLITE_TABLES.items()
    for statement in _sqlite_statements(fts, table, column)
]
SQLITE_TRIGGERS = [
    f"{fts}_{event}" for fts in SQLITE_TABLES for event in ("insert", "update", "delete")
]
SQLITE_REBUILD = [
    statement
    for fts, (table, column) in SQLITE_TABLES.items()
    for statement in (
        f"DELETE FROM {fts}",
        f"INSERT INTO {fts}(rowid, terms) SELECT id, portal_search_terms({column}) FROM {table}",
    )
]


def sqlite_index(fts: str) -> list[str]:
    """The statements that make one FTS5 table, its triggers and its contents anew."""
    table, column = SQLITE_TABLES[fts]
    return [
        *_sqlite_statements(fts, table, column),
        f"DELETE FROM {fts}",
        f"INSERT INTO {fts}(rowid, terms) SELECT id, portal_search_terms({column}) FROM {table}",
    ]


SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS] + [
    f"DROP TABLE IF EXISTS {fts}" for fts in SQLITE_TABLES
]
