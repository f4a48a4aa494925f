"""The guide's catalogue on every install, with or without demo data: its departments,
services and priorities, in its order. Entries that already exist (by name, in any
case) are left as they are."""

from django.db import migrations

# As the guide lists them when this migration was written (see portal.tickets.catalog).
CATALOG = {
    "department": ["Atendimento", "Financeiro"],
    "service": [
        "Redes Sociais",
        "Atualização / Website",
        "Design Gráfico",
        "E-mail Marketing",
        "Financeiro",
        "Suporte Técnico",
    ],
    "priority": ["Baixa", "Média", "Alta", "Urgente"],
}


def install(apps, schema_editor):
    db = schema_editor.connection.alias
    for model_name, names in CATALOG.items():
        model = apps.get_model("tickets", model_name)
        for position, name in enumerate(names, start=1):
            if not model.objects.using(db).filter(name__iexact=name).exists():
                model.objects.using(db).create(name=name, position=position)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_ticket_names")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
