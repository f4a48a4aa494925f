from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_migrate, post_save


class TicketsConfig(AppConfig):
    """The clients' tickets (solicitações): tickets, their conversation and their life."""

    name = "portal.tickets"

    def ready(self) -> None:
        # Imported once the models are: the search and the periodic jobs use them.
        from portal.tickets import search, services, warnings  # noqa: F401 - jobs register
        from portal.tickets.counts import tickets_changed
        from portal.tickets.models import Message, Ticket

        # SQLite's search index is kept by triggers that call the stemmer in Python.
        connection_created.connect(search.register_sqlite_functions)
        post_migrate.connect(search.ensure_sqlite_index, sender=self)

        # The lists' remembered counts start again after any change of a ticket or message.
        for model in (Ticket, Message):
            post_save.connect(tickets_changed, sender=model, dispatch_uid=f"counts-{model}")
            post_delete.connect(tickets_changed, sender=model, dispatch_uid=f"counts-del-{model}")
