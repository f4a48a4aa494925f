from django.urls import path

from portal.requests import views

app_name = "requests"

urlpatterns = [
    path("", views.request_index, name="list"),
    path("nova/", views.request_new, name="new"),
    path("<int:number>/", views.request_detail, name="detail"),
    path("<int:number>/responder/", views.request_add_answer, name="answer"),
    path("<int:number>/confirmar/", views.request_confirm_done, name="confirm"),
    path("anexos/<int:attachment_id>/<str:filename>", views.attachment_download, name="attachment"),
]
