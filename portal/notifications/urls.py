from django.urls import path

from portal.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:notification_id>/", views.open_notification, name="open"),
    path("marcar-todas-como-lidas/", views.read_all, name="read_all"),
    path("preferencias/", views.preferences, name="preferences"),
    path("emails/", views.outbox, name="outbox"),
    path("emails/<int:email_id>/reenviar/", views.outbox_resend, name="resend"),
    path("recebidos/", views.inbox, name="inbox"),
]
