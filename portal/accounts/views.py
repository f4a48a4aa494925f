from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods

from portal.accounts.access_links import LinkState, access_link_tokens
from portal.accounts.forms import (
    ChangePasswordForm,
    ChooseNewPasswordForm,
    LoginForm,
    PasswordResetRequestForm,
    ProfileForm,
    RecoveryCodesForm,
    TwoFactorDisableForm,
)
from portal.accounts.models import User
from portal.accounts.services import (
    password_reset_complete,
    password_reset_request,
    user_update_profile,
)
from portal.accounts.signin import (
    LANGUAGE_CHOSEN_SESSION_KEY,
    complete_sign_in,
    start_second_step,
)
from portal.accounts.throttle import source_of
from portal.accounts.two_factor import recovery_codes_left
from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.lib.forms import posted
from portal.lib.http import AuthenticatedHttpRequest

# Recovery codes just made, shown (and offered as a file) until the user is done with them.
NEW_RECOVERY_CODES_SESSION_KEY = "two_factor_new_codes"


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembering a visitor's choice for their sign-in."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if not request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.session[LANGUAGE_CHOSEN_SESSION_KEY] = language
    return response


class LoginView(auth_views.LoginView):
    # Django takes any form with LoginForm's interface here; the stubs ask for a subclass
    # of AuthenticationForm, whose username field LoginForm does not have.
    form_class = LoginForm  # type: ignore[assignment]
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        assert user is not None  # a valid form has its user
        if user.has_two_factor:
            # Not signed in yet: the code comes first (portal/accounts/signin.py).
            start_second_step(self.request, user, self.get_success_url())
            return redirect("accounts:second_step")
        complete_sign_in(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        password_reset_request(email=form.cleaned_data["email"], source=source_of(request))
        return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ChooseNewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        password = form.cleaned_data["new_password1"]
        if not password_reset_complete(user=form.user, password=password):
            # The same link, used at the same moment, already set a password.
            self.validlink = False
            return self.render_to_response(self.get_context_data())
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        messages.success(
            self.request, _("Your new password is saved. You can sign in with it now.")
        )
        return HttpResponseRedirect(self.get_success_url())


class AccessLinkView(auth_views.PasswordResetConfirmView):
    """Criar sua senha: the one-time link of an invitation or of a new access. Like the
    reset link (Django's view moves the token into the session, out of the address bar
    and the Referer), with its own tokens and lifetime; the password set, the person is
    signed in (or sent to sign in, when a second step is due)."""

    form_class = ChooseNewPasswordForm
    template_name = "accounts/access_link.html"
    token_generator = access_link_tokens

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        # A deactivated person (or company) gets no access from an old e-mail.
        return user if user is not None and user.may_sign_in() else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not self.validlink:
            token = self.kwargs.get("token")
            if token == self.reset_url_token:
                token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
            state = access_link_tokens.state(self.user, token)
            context["expired"] = state is LinkState.EXPIRED
            context["link_days"] = settings.INVITATION_LINK_DAYS
        return context

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        user = form.user
        if not password_reset_complete(user=user, password=form.cleaned_data["new_password1"]):
            self.validlink = False  # the same link, used at the same moment, won
            return self.render_to_response(self.get_context_data())
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        if user.has_two_factor:
            messages.success(self.request, _("Your password is saved. Sign in with it now."))
            return redirect("accounts:login")
        complete_sign_in(self.request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        audit.record(AuditEntry.Action.LOGIN, actor=user, via="access_link")
        messages.success(self.request, _("Your password is saved. Welcome!"))
        return redirect("core:home")


@login_required
@require_http_methods(["GET", "POST"])
def password_change_required(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.must_change_password:
        return redirect("core:home")
    form = ChooseNewPasswordForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password is saved. Welcome!"))
        return redirect("core:home")
    return render(request, "accounts/password_change_required.html", {"form": form})


def render_account(
    request: AuthenticatedHttpRequest, *, status: int = 200, **forms: Any
) -> HttpResponse:
    """Minha conta, with the forms given (bound, showing their errors) or fresh ones."""
    user = request.user
    context = {
        "profile_form": ProfileForm(instance=user),
        "password_form": ChangePasswordForm(user),
        "two_factor_disable_form": TwoFactorDisableForm(),
        "recovery_codes_form": RecoveryCodesForm(),
        "recovery_codes_left": recovery_codes_left(user) if user.has_two_factor else None,
        **forms,
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Back here, the new recovery codes were saved: they are not kept any longer.
    request.session.pop(NEW_RECOVERY_CODES_SESSION_KEY, None)
    profile_form = ProfileForm(posted(request), instance=request.user)
    if request.method == "POST" and profile_form.is_valid():
        user_update_profile(
            user=request.user,
            name=profile_form.cleaned_data["name"],
            language=profile_form.cleaned_data["language"],
            is_away=profile_form.cleaned_data.get("is_away"),
        )
        translation.activate(request.user.language)  # answer in the language just chosen
        messages.success(request, _("Your details are saved."))
        return redirect("accounts:account")
    return render_account(request, profile_form=profile_form)


@login_required
@require_http_methods(["POST"])
def account_password(request: AuthenticatedHttpRequest) -> HttpResponse:
    password_form = ChangePasswordForm(request.user, request.POST)
    if password_form.is_valid():
        password_form.save()
        # Keeps this session signed in under a new key; other sessions end.
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:account")
    return render_account(request, password_form=password_form, status=400)
