"""Full-text search: PostgreSQL vectors and GIN indexes, or SQLite FTS5 tables and triggers.

Each vendor runs only its own statements.

Written for the app "requests", which became "tickets": databases that ran it under
the old label count it as applied (``replaces``); 0008 renames what it created.
"""

from django.db import migrations

# The statements as they were when this migration was written (table names of the
# app's first label); the current ones live in portal.tickets.search_schema.
POSTGRESQL_FORWARD = ['CREATE EXTENSION IF NOT EXISTS unaccent',
 "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'portuguese_unaccent') "
 'THEN CREATE TEXT SEARCH CONFIGURATION portuguese_unaccent (COPY = portuguese); ALTER TEXT '
 'SEARCH CONFIGURATION portuguese_unaccent ALTER MAPPING FOR hword, hword_part, word, '
 'asciiword, asciihword, hword_asciipart WITH unaccent, portuguese_stem; END IF; END $$',
 'ALTER TABLE requests_request ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
 "(setweight(to_tsvector('portuguese_unaccent'::regconfig, subject), 'A')) STORED",
 'ALTER TABLE requests_message ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
 "(to_tsvector('portuguese_unaccent'::regconfig, body)) STORED",
 'CREATE INDEX request_search ON requests_request USING gin (search_vector)',
 'CREATE INDEX message_search ON requests_message USING gin (search_vector)',
 'ALTER TABLE requests_request ALTER COLUMN search_vector SET STATISTICS 1000',
 'ALTER TABLE requests_message ALTER COLUMN search_vector SET STATISTICS 1000']
POSTGRESQL_BACKWARD = ['DROP INDEX IF EXISTS message_search',
 'DROP INDEX IF EXISTS request_search',
 'ALTER TABLE requests_message DROP COLUMN IF EXISTS search_vector',
 'ALTER TABLE requests_request DROP COLUMN IF EXISTS search_vector',
 'DROP TEXT SEARCH CONFIGURATION IF EXISTS portuguese_unaccent']
SQLITE_FORWARD = ['CREATE VIRTUAL TABLE IF NOT EXISTS requests_request_fts USING fts5(terms)',
 'CREATE TRIGGER IF NOT EXISTS requests_request_fts_insert AFTER INSERT ON requests_request '
 'BEGIN INSERT INTO requests_request_fts(rowid, terms) VALUES (new.id, '
 'portal_search_terms(new.subject)); END',
 'CREATE TRIGGER IF NOT EXISTS requests_request_fts_update AFTER UPDATE OF subject ON '
 'requests_request WHEN new.subject IS NOT old.subject BEGIN UPDATE requests_request_fts SET '
 'terms = portal_search_terms(new.subject) WHERE rowid = new.id; END',
 'CREATE TRIGGER IF NOT EXISTS requests_request_fts_delete AFTER DELETE ON requests_request '
 'BEGIN DELETE FROM requests_request_fts WHERE rowid = old.id; END',
 'CREATE VIRTUAL TABLE IF NOT EXISTS requests_message_fts USING fts5(terms)',
 'CREATE TRIGGER IF NOT EXISTS requests_message_fts_insert AFTER INSERT ON requests_message '
 'BEGIN INSERT INTO requests_message_fts(rowid, terms) VALUES (new.id, '
 'portal_search_terms(new.body)); END',
 'CREATE TRIGGER IF NOT EXISTS requests_message_fts_update AFTER UPDATE OF body ON '
 'requests_message WHEN new.body IS NOT old.body BEGIN UPDATE requests_message_fts SET terms = '
 'portal_search_terms(new.body) WHERE rowid = new.id; END',
 'CREATE TRIGGER IF NOT EXISTS requests_message_fts_delete AFTER DELETE ON requests_message '
 'BEGIN DELETE FROM requests_message_fts WHERE rowid = old.id; END']
SQLITE_REBUILD = ['DELETE FROM requests_request_fts',
 'INSERT INTO requests_request_fts(rowid, terms) SELECT id, portal_search_terms(subject) FROM '
 'requests_request',
 'DELETE FROM requests_message_fts',
 'INSERT INTO requests_message_fts(rowid, terms) SELECT id, portal_search_terms(body) FROM '
 'requests_message']
SQLITE_BACKWARD = ['DROP TRIGGER IF EXISTS requests_request_fts_insert',
 'DROP TRIGGER IF EXISTS requests_request_fts_update',
 'DROP TRIGGER IF EXISTS requests_request_fts_delete',
 'DROP TRIGGER IF EXISTS requests_message_fts_insert',
 'DROP TRIGGER IF EXISTS requests_message_fts_update',
 'DROP TRIGGER IF EXISTS requests_message_fts_delete',
 'DROP TABLE IF EXISTS requests_request_fts',
 'DROP TABLE IF EXISTS requests_message_fts']


class RunSQLFor(migrations.RunSQL):
    """RunSQL for one database vendor; a no-op on the others."""

    def __init__(self, vendor, sql, reverse_sql, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            self._prepare(schema_editor)
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def _prepare(self, schema_editor):
        # The SQLite triggers and the back-fill call the stemmer; make sure this
        # connection has it even if it was opened before the app registered it.
        from portal.tickets.search import register_sqlite_functions

        register_sqlite_functions(None, schema_editor.connection)


class Migration(migrations.Migration):
    replaces = [("requests", "0006_search")]

    dependencies = [("tickets", "0005_event_kind_classified")]

    operations = [
        RunSQLFor(
            "postgresql", POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD
        ),
        RunSQLFor(
            "sqlite",
            SQLITE_FORWARD + SQLITE_REBUILD,
            SQLITE_BACKWARD,
        ),
    ]
