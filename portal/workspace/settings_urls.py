from django.urls import path

from portal.workspace import settings_views as views

app_name = "settings"

urlpatterns = [
    path("", views.settings_index, name="index"),
    path("equipe/", views.team, name="team"),
    path("equipe/<int:user_id>/desativar/", views.team_deactivate, name="team_deactivate"),
    path("equipe/<int:user_id>/reativar/", views.team_reactivate, name="team_reactivate"),
    path("equipe/<int:user_id>/admin/", views.team_set_admin, name="team_set_admin"),
    path("equipe/<int:user_id>/ausente/", views.team_set_away, name="team_set_away"),
    path(
        "equipe/<int:user_id>/duas-etapas/",
        views.team_reset_two_factor,
        name="team_reset_two_factor",
    ),
    path("servicos/<int:service_id>/campos/novo/", views.service_field_new, name="field_new"),
    path(
        "servicos/<int:service_id>/campos/<int:field_id>/",
        views.service_field_edit,
        name="field_edit",
    ),
    path(
        "servicos/<int:service_id>/campos/<int:field_id>/excluir/",
        views.service_field_delete_view,
        name="field_delete",
    ),
    path("<slug:kind>/", views.catalog_list, name="catalog"),
    path("<slug:kind>/<int:entry_id>/", views.catalog_edit, name="catalog_edit"),
]
