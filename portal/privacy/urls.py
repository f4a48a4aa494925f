from django.urls import path

from portal.privacy import views

app_name = "privacy"

urlpatterns = [
    path("conta/meus-dados/", views.data_export, name="export"),
]
