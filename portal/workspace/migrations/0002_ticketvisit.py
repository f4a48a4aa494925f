from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0001_initial"),
        ("tickets", "0008_ticket_names"),
    ]

    operations = [
        migrations.RenameModel(old_name="RequestVisit", new_name="TicketVisit"),
        # A constraint names its fields: rebuilt under the same name over the renamed column.
        migrations.RemoveConstraint(model_name="ticketvisit", name="request_visit_unique"),
        migrations.RenameField(model_name="ticketvisit", old_name="request", new_name="ticket"),
        migrations.AlterField(
            model_name="ticketvisit",
            name="ticket",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE, related_name="+", to="tickets.ticket"
            ),
        ),
        migrations.AddConstraint(
            model_name="ticketvisit",
            constraint=models.UniqueConstraint(
                fields=("user", "ticket"), name="request_visit_unique"
            ),
        ),
    ]
