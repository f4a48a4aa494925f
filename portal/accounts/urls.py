from django.contrib.auth import views as auth_views
from django.urls import path

from portal.accounts import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("entrar/verificacao/", two_factor_views.second_step, name="second_step"),
    path("sair/", auth_views.LogoutView.as_view(), name="logout"),
    path("esqueceu-a-senha/", views.password_reset, name="password_reset"),
    path("esqueceu-a-senha/enviado/", views.password_reset_sent, name="password_reset_sent"),
    path(
        "redefinir-senha/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("criar-senha/<uidb64>/<token>/", views.AccessLinkView.as_view(), name="access_link"),
    path("primeiro-acesso/", views.password_change_required, name="password_change_required"),
    path("conta/", views.account, name="account"),
    path("conta/senha/", views.account_password, name="account_password"),
    path("conta/duas-etapas/", two_factor_views.enable, name="two_factor_enable"),
    path("conta/duas-etapas/codigos/", two_factor_views.recovery_codes, name="recovery_codes"),
    path(
        "conta/duas-etapas/codigos.txt",
        two_factor_views.recovery_codes_download,
        name="recovery_codes_download",
    ),
    path(
        "conta/duas-etapas/novos-codigos/",
        two_factor_views.regenerate_codes,
        name="recovery_codes_regenerate",
    ),
    path("conta/duas-etapas/desativar/", two_factor_views.disable, name="two_factor_disable"),
]
