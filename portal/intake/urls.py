from django.urls import path

from portal.intake import views

app_name = "intake"

urlpatterns = [
    path("entrada/", views.inbound, name="inbound"),
]
