from django.urls import path

from portal.api import views

app_name = "api"

# Minha conta → Chaves de API; the API itself is mounted by portal.urls (portal.api.api).
urlpatterns = [
    path("conta/api/", views.token_list, name="tokens"),
    path("conta/api/<int:token_id>/revogar/", views.token_revoke_view, name="revoke"),
]
