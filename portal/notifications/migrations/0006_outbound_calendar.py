"""An outbound e-mail can carry an iCalendar invitation (REQUEST or CANCEL), which delivery
sends as a text/calendar alternative and an invite.ics attachment."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_outbound_claim"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="calendar",
            field=models.TextField(blank=True, default=""),
        ),
    ]
