"""Intake per service: the fields admins attach to a service, and the answers each ticket
keeps a copy of, searchable like messages (a stored vector and a GIN index on PostgreSQL,
an FTS5 table kept by triggers on SQLite; see portal.tickets.search_schema)."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


# The statements as they were when this migration was written.
POSTGRESQL_FORWARD = [
    "ALTER TABLE tickets_ticketfieldanswer ADD COLUMN search_vector tsvector GENERATED ALWAYS "
    "AS (to_tsvector('portuguese_unaccent'::regconfig, "
    "regexp_replace(value, '[[:punct:][:space:]]+', ' ', 'g'))) STORED",
    "CREATE INDEX field_answer_search ON tickets_ticketfieldanswer USING gin (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS field_answer_search",
    "ALTER TABLE tickets_ticketfieldanswer DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS tickets_ticketfieldanswer_fts USING fts5(terms)",
    "CREATE TRIGGER IF NOT EXISTS tickets_ticketfieldanswer_fts_insert AFTER INSERT ON "
    "tickets_ticketfieldanswer BEGIN INSERT INTO tickets_ticketfieldanswer_fts(rowid, terms) "
    "VALUES (new.id, portal_search_terms(new.value)); END",
    "CREATE TRIGGER IF NOT EXISTS tickets_ticketfieldanswer_fts_update AFTER UPDATE OF value ON "
    "tickets_ticketfieldanswer WHEN new.value IS NOT old.value BEGIN UPDATE "
    "tickets_ticketfieldanswer_fts SET terms = portal_search_terms(new.value) "
    "WHERE rowid = new.id; END",
    "CREATE TRIGGER IF NOT EXISTS tickets_ticketfieldanswer_fts_delete AFTER DELETE ON "
    "tickets_ticketfieldanswer BEGIN DELETE FROM tickets_ticketfieldanswer_fts "
    "WHERE rowid = old.id; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS tickets_ticketfieldanswer_fts_insert",
    "DROP TRIGGER IF EXISTS tickets_ticketfieldanswer_fts_update",
    "DROP TRIGGER IF EXISTS tickets_ticketfieldanswer_fts_delete",
    "DROP TABLE IF EXISTS tickets_ticketfieldanswer_fts",
]


class RunSQLFor(migrations.RunSQL):
    """RunSQL for one database vendor; a no-op on the others."""

    def __init__(self, vendor, sql, reverse_sql, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            if self.vendor == "sqlite":
                # The triggers call the stemmer: make sure this connection has it.
                from portal.tickets.search import register_sqlite_functions

                register_sqlite_functions(None, schema_editor.connection)
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0012_followers_ratings'),
    ]

    operations = [
        migrations.CreateModel(
            name='ServiceField',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=100, verbose_name='Label')),
                ('kind', models.CharField(choices=[('text', 'Short text'), ('long_text', 'Long text'), ('url', 'Link (URL)'), ('date', 'Date'), ('number', 'Number'), ('choice', 'Choice list'), ('yes_no', 'Yes or no')], default='text', max_length=16, verbose_name='Kind')),
                ('required', models.BooleanField(default=False, verbose_name='Required')),
                ('help_text', models.CharField(blank=True, default='', max_length=300, verbose_name='Help text')),
                ('choices', models.TextField(blank=True, default='', verbose_name='Options')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='intake_fields', to='tickets.service', verbose_name='service')),
            ],
            options={
                'verbose_name': 'request field',
                'verbose_name_plural': 'request fields',
                'ordering': ['service', 'position', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='TicketFieldAnswer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=100)),
                ('kind', models.CharField(choices=[('text', 'Short text'), ('long_text', 'Long text'), ('url', 'Link (URL)'), ('date', 'Date'), ('number', 'Number'), ('choice', 'Choice list'), ('yes_no', 'Yes or no')], max_length=16)),
                ('value', models.TextField()),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('field', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='answers', to='tickets.servicefield')),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='field_answers', to='tickets.ticket')),
            ],
            options={
                'ordering': ['position', 'pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='servicefield',
            constraint=models.UniqueConstraint(models.F('service'), django.db.models.functions.text.Lower('label'), name='service_field_label_ci_unique', violation_error_message='This service already has a field with this label.'),
        ),
        RunSQLFor("postgresql", POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
        RunSQLFor("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]
