from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class RequestsConfig(AppConfig):
    name = "portal.requests"

    def ready(self) -> None:
        # SQLite's search index is kept by triggers that call the stemmer in Python.
        from portal.requests import search

        connection_created.connect(search.register_sqlite_functions)
        post_migrate.connect(search.ensure_sqlite_index, sender=self)
