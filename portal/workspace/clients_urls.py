from django.urls import path

from portal.workspace import clients_views as views

app_name = "companies"

urlpatterns = [
    path("", views.company_list, name="list"),
    path("<int:company_id>/", views.company_detail, name="detail"),
    path("<int:company_id>/editar/", views.company_edit, name="edit"),
    path("<int:company_id>/contatos/<int:user_id>/", views.contact_edit, name="contact_edit"),
    path(
        "<int:company_id>/contatos/<int:user_id>/reenviar-acesso/",
        views.contact_resend_access,
        name="resend_access",
    ),
    path(
        "<int:company_id>/contatos/<int:user_id>/ativo/",
        views.contact_set_active,
        name="contact_set_active",
    ),
    path(
        "<int:company_id>/contatos/<int:user_id>/anonimizar/",
        views.contact_anonymise,
        name="contact_anonymise",
    ),
]
