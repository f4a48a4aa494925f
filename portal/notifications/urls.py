from django.urls import path

from portal.notifications import views

app_name = "notifications"

urlpatterns = [
    path("preferencias/", views.preferences, name="preferences"),
    path("emails/", views.outbox, name="outbox"),
    path("emails/<int:email_id>/reenviar/", views.outbox_resend, name="resend"),
    path("recebidos/", views.inbox, name="inbox"),
]
