from django.urls import path

from portal.reports import views

app_name = "reports"

# Included at the root (portal/urls.py): the reports live in three places of the portal.
urlpatterns = [
    path("equipe/configuracoes/relatorio/", views.report, name="commitments"),
    path(
        "equipe/clientes/<int:company_id>/relatorio/",
        views.company_report_for_staff,
        name="company_for_staff",
    ),
    path("empresa/relatorio/", views.company_report, name="company"),
]
