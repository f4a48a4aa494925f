from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "portal.companies"
