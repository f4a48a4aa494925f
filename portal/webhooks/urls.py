from django.urls import path

from portal.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("<int:endpoint_id>/", views.endpoint_detail, name="detail"),
    path("<int:endpoint_id>/segredo/", views.endpoint_secret, name="secret"),
    path("<int:endpoint_id>/teste/", views.endpoint_test, name="test"),
    path("<int:endpoint_id>/excluir/", views.endpoint_remove, name="delete"),
    path(
        "<int:endpoint_id>/entregas/<int:delivery_pk>/reenviar/",
        views.delivery_send_again,
        name="resend",
    ),
]
