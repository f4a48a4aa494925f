"""Full-text search: PostgreSQL vectors and GIN indexes, or SQLite FTS5 tables and triggers.

Each vendor runs only its own statements (see portal.requests.search_schema).
"""

from django.db import migrations

from portal.requests import search_schema


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
        from portal.requests.search import register_sqlite_functions

        register_sqlite_functions(None, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("requests", "0005_event_kind_classified")]

    operations = [
        RunSQLFor(
            "postgresql", search_schema.POSTGRESQL_FORWARD, search_schema.POSTGRESQL_BACKWARD
        ),
        RunSQLFor(
            "sqlite",
            search_schema.SQLITE_FORWARD + search_schema.SQLITE_REBUILD,
            search_schema.SQLITE_BACKWARD,
        ),
    ]
