from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outboundemail_request_emailoptout_inboundemail"),
        ("tickets", "0008_ticket_names"),
    ]

    operations = [
        migrations.RenameField(model_name="outboundemail", old_name="request", new_name="ticket"),
        migrations.RenameField(model_name="inboundemail", old_name="request", new_name="ticket"),
        *[
            migrations.AlterField(
                model_name=model,
                name="ticket",
                field=models.ForeignKey(
                    blank=True,
                    null=True,
                    on_delete=models.deletion.SET_NULL,
                    related_name="+",
                    to="tickets.ticket",
                ),
            )
            for model in ("outboundemail", "inboundemail")
        ],
    ]
