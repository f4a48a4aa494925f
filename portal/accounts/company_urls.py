from django.urls import path

from portal.accounts import company_views

app_name = "company"

urlpatterns = [
    path("", company_views.company_home, name="home"),
    path("contatos/<int:user_id>/acesso/", company_views.colleague_access, name="access"),
    path("contatos/<int:user_id>/visao/", company_views.colleague_visibility, name="visibility"),
]
