from django.contrib.auth import views as auth_views
from django.urls import path

from portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("sair/", auth_views.LogoutView.as_view(), name="logout"),
    path("esqueceu-a-senha/", views.password_reset, name="password_reset"),
    path("esqueceu-a-senha/enviado/", views.password_reset_sent, name="password_reset_sent"),
    path(
        "redefinir-senha/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("primeiro-acesso/", views.password_change_required, name="password_change_required"),
    path("conta/", views.account, name="account"),
    path("conta/senha/", views.account_password, name="account_password"),
]
