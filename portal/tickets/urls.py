from django.urls import path

from portal.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_index, name="list"),
    path("nova/", views.ticket_new, name="new"),
    path("<int:number>/", views.ticket_detail, name="detail"),
    path("<int:number>/responder/", views.ticket_add_answer, name="answer"),
    path("<int:number>/rascunho/", views.draft_view, name="draft"),
    path("<int:number>/confirmar/", views.ticket_confirm_done, name="confirm"),
    path("<int:number>/reabrir/", views.ticket_reopen_view, name="reopen"),
    path("<int:number>/seguidores/", views.followers_view, name="followers"),
    path("<int:number>/novo-prazo/", views.proposal_answer_view, name="answer_proposal"),
    path("<int:number>/reuniao/", views.meeting_confirm_view, name="confirm_meeting"),
    path(
        "<int:number>/reuniao/outros-horarios/", views.meeting_other_times_view, name="other_times"
    ),
    path("anexos/<int:attachment_id>/<str:filename>", views.attachment_download, name="attachment"),
]
