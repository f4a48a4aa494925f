from django.urls import path

from portal.workspace import merge_views, views

app_name = "workspace"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("em-lote/", views.bulk_view, name="bulk"),
    path("empresas/sugestoes/", views.company_suggestions_view, name="company_suggestions"),
    path("solicitacoes/<int:number>/", views.ticket_view, name="ticket"),
    path("solicitacoes/<int:number>/responder/", views.answer_view, name="answer"),
    path("solicitacoes/<int:number>/rascunho/", views.draft_view, name="draft"),
    path("solicitacoes/<int:number>/presenca/", views.presence_view, name="presence"),
    path("solicitacoes/<int:number>/atribuir/", views.assign_view, name="assign"),
    path("solicitacoes/<int:number>/status/", views.status_view, name="status"),
    path("solicitacoes/<int:number>/prazo/", views.proposal_view, name="propose_deadline"),
    path("solicitacoes/<int:number>/reuniao/", views.meeting_view, name="propose_meeting"),
    path(
        "solicitacoes/<int:number>/reuniao/cancelar/",
        views.meeting_cancel_view,
        name="cancel_meeting",
    ),
    path(
        "solicitacoes/<int:number>/reuniao/notas/", views.meeting_notes_view, name="meeting_notes"
    ),
    path("solicitacoes/<int:number>/classificacao/", views.classify_view, name="classify"),
    path("respostas-prontas/", views.canned_reply_list, name="canned_replies"),
    path("respostas-prontas/<int:reply_id>/", views.canned_reply_edit, name="canned_reply_edit"),
    path(
        "respostas-prontas/<int:reply_id>/excluir/",
        views.canned_reply_remove,
        name="canned_reply_delete",
    ),
    path("solicitacoes/<int:number>/mesclar/", merge_views.merge_view, name="merge"),
]
