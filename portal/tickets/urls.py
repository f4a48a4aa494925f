from django.urls import path

from portal.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_index, name="list"),
    path("nova/", views.ticket_new, name="new"),
    path("<int:number>/", views.ticket_detail, name="detail"),
    path("<int:number>/responder/", views.ticket_add_answer, name="answer"),
    path("<int:number>/confirmar/", views.ticket_confirm_done, name="confirm"),
    path("anexos/<int:attachment_id>/<str:filename>", views.attachment_download, name="attachment"),
]
