"""The app "requests" became "tickets" and its Request model Ticket: rename the tables,
the model and the foreign keys to it, keeping every row, id and number.

Databases made before the rename ran 0001-0007 as "requests" (they count as applied
here through ``replaces``); new ones ran them under this label with the same table
names. From here on both are the same.
"""

from django.conf import settings
from django.db import migrations, models

MODELS = ["department", "service", "priority", "counter", "message", "attachment", "event"]

# The search index of SQLite lives in FTS5 tables kept by triggers named after the
# tables; PostgreSQL's generated columns and GIN indexes move with their tables.
SQLITE_DROP_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS requests_{table}_fts_{event}"
    for table in ("request", "message")
    for event in ("insert", "update", "delete")
]
SQLITE_RENAME_INDEX_TABLES = [
    "ALTER TABLE requests_request_fts RENAME TO tickets_ticket_fts",
    "ALTER TABLE requests_message_fts RENAME TO tickets_message_fts",
]


def relabel_content_types(apps, schema_editor):
    """Permissions and admin history follow the models to their new label."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="requests").update(app_label="tickets")


def rename_counter(apps, schema_editor):
    Counter = apps.get_model("tickets", "Counter")
    db = schema_editor.connection.alias
    Counter.objects.using(db).filter(name="request").update(name="ticket")


def unrename_counter(apps, schema_editor):
    Counter = apps.get_model("tickets", "Counter")
    db = schema_editor.connection.alias
    Counter.objects.using(db).filter(name="ticket").update(name="request")


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from portal.tickets.search import ensure_sqlite_index

    ensure_sqlite_index(using=schema_editor.connection.alias)


class SQLiteOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0007_list_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("companies", "0001_initial"),
        # Every migration that points at the old model runs before it is renamed.
        ("commitments", "0001_initial"),
        ("notifications", "0002_outboundemail_request_emailoptout_inboundemail"),
        ("workspace", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(relabel_content_types, migrations.RunPython.noop),
        SQLiteOnly(SQLITE_DROP_TRIGGERS + SQLITE_RENAME_INDEX_TABLES, migrations.RunSQL.noop),
        *[migrations.AlterModelTable(name=model, table=None) for model in MODELS],
        migrations.AlterModelTable(name="request", table=None),
        migrations.RenameModel(old_name="Request", new_name="Ticket"),
        # An index names its fields: rebuilt under the same name over the renamed column.
        migrations.RemoveIndex(model_name="message", name="message_request_time"),
        migrations.RemoveIndex(model_name="event", name="event_request_time"),
        migrations.RenameField(model_name="message", old_name="request", new_name="ticket"),
        migrations.RenameField(model_name="event", old_name="request", new_name="ticket"),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["ticket", "created_at"], name="message_request_time"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["ticket", "created_at"], name="event_request_time"),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="assigned_tickets",
                to=settings.AUTH_USER_MODEL,
                verbose_name="attended by",
            ),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="company",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT, related_name="tickets", to="companies.company"
            ),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="opened_by",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="opened_tickets",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(rename_counter, unrename_counter),
        migrations.RunPython(create_sqlite_triggers, migrations.RunPython.noop),
    ]
