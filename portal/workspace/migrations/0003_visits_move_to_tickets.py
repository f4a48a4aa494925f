"""Staff visits move to tickets.TicketVisit, which now records everyone's (the lists'
"Nova resposta" marks); the rows are kept."""

from django.db import migrations


def copy_visits(apps, schema_editor):
    old = apps.get_model("workspace", "TicketVisit")
    new = apps.get_model("tickets", "TicketVisit")
    batch = []
    for visit in old.objects.order_by("pk").iterator(chunk_size=2000):
        batch.append(new(user_id=visit.user_id, ticket_id=visit.ticket_id, seen_at=visit.seen_at))
        if len(batch) == 2000:
            new.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    new.objects.bulk_create(batch, ignore_conflicts=True)


def copy_back(apps, schema_editor):
    old = apps.get_model("workspace", "TicketVisit")
    new = apps.get_model("tickets", "TicketVisit")
    old.objects.bulk_create(
        [
            old(user_id=visit.user_id, ticket_id=visit.ticket_id, seen_at=visit.seen_at)
            for visit in new.objects.exclude(user__role="contact").iterator(chunk_size=2000)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0002_ticketvisit"),
        ("tickets", "0014_visits_news"),
    ]

    operations = [
        migrations.RunPython(copy_visits, copy_back),
        migrations.DeleteModel(name="TicketVisit"),
    ]
