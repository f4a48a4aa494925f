from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"

    def ready(self) -> None:
        # Its periodic job registers itself.
        from portal.accounts import throttle  # noqa: F401
