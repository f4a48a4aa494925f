from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0001_initial"),
        ("tickets", "0008_ticket_names"),
    ]

    operations = [
        # An index names its fields: rebuilt under the same name over the renamed column.
        migrations.RemoveIndex(model_name="clock", name="clock_request_kind"),
        migrations.RenameField(model_name="clock", old_name="request", new_name="ticket"),
        migrations.AlterField(
            model_name="clock",
            name="ticket",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE, related_name="clocks", to="tickets.ticket"
            ),
        ),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(fields=["ticket", "kind", "state"], name="clock_request_kind"),
        ),
    ]
