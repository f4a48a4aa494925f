"""Delivery claims an e-mail (SENDING, with when and by which task) and commits before it
talks to the mail server, instead of holding a transaction open meanwhile."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_reply_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="last_attempt_timed_out",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(fields=["-claimed_at"], name="outbound_latest_attempts"),
        ),
    ]
