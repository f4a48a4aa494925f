"""Two-step verification: the second step of signing in, and turning it on and off in
Minha conta. The rules are in portal/accounts/two_factor.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts import signin
from portal.accounts.forms import (
    RecoveryCodesForm,
    SecondStepForm,
    TwoFactorConfirmForm,
    TwoFactorDisableForm,
)
from portal.accounts.two_factor import (
    TOTP,
    qr_code_svg,
    recovery_codes_regenerate,
    secret_of,
    two_factor_begin,
    two_factor_confirm,
    two_factor_disable,
)
from portal.accounts.views import NEW_RECOVERY_CODES_SESSION_KEY, render_account
from portal.audit import log as audit
from portal.audit.models import AuditEntry
from portal.lib.forms import add_use_case_errors, posted
from portal.lib.http import AuthenticatedHttpRequest


@require_http_methods(["GET", "POST"])
def second_step(request: HttpRequest) -> HttpResponse:
    """Código de verificação, after a right password."""
    waiting = signin.pending(request)
    if waiting is None:
        messages.info(request, _("Sign in again: the time to type the code ran out."))
        return redirect("accounts:login")
    form = SecondStepForm(request, waiting.user, posted(request))
    if request.method == "POST" and form.is_valid():
        signin.complete_sign_in(request, waiting.user, waiting.backend)
        audit.record(AuditEntry.Action.LOGIN, actor=waiting.user, second_step=form.passed_with)
        if form.passed_with != TOTP:
            messages.warning(
                request,
                _(
                    "You used a recovery code; it will not work again. "
                    "If you lost your phone, turn two-step verification off and on again "
                    "in My account."
                ),
            )
        return redirect(waiting.next_url)
    return render(request, "accounts/second_step.html", {"form": form})


def _save_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    request.session[NEW_RECOVERY_CODES_SESSION_KEY] = codes
    return redirect("accounts:recovery_codes")


@login_required
@require_http_methods(["GET", "POST"])
def enable(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ativar verificação em duas etapas: scan (or type) the secret, confirm with a code."""
    if request.user.has_two_factor:
        return redirect("accounts:account")
    device = two_factor_begin(user=request.user)
    form = TwoFactorConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor_confirm(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            messages.success(request, _("Two-step verification is on."))
            return _save_codes(request, codes)
    context = {
        "form": form,
        "qr_code": qr_code_svg(device),
        "secret": secret_of(device),
        # Sent here by StaffTwoFactorMiddleware: say why nothing else opens.
        "required": settings.STAFF_REQUIRE_2FA and request.user.is_agency_staff,
    }
    return render(request, "accounts/two_factor_enable.html", context)


@login_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The new recovery codes, shown until the user goes back to Minha conta."""
    codes = request.session.get(NEW_RECOVERY_CODES_SESSION_KEY)
    if not codes:
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@login_required
def recovery_codes_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    codes = request.session.get(NEW_RECOVERY_CODES_SESSION_KEY)
    if not codes:
        return redirect("accounts:account")
    heading = _("Recovery codes for %(email)s (each works once):") % {"email": request.user.email}
    response = HttpResponse(
        "\n".join([heading, "", *codes, ""]), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return response


@login_required
@require_POST
def disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TwoFactorDisableForm(request.POST)
    if form.is_valid():
        try:
            two_factor_disable(
                user=request.user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
            )
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            messages.success(request, _("Two-step verification is off."))
            return redirect("accounts:account")
    return render_account(request, two_factor_disable_form=form, status=400)


@login_required
@require_POST
def regenerate_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RecoveryCodesForm(request.POST)
    if form.is_valid():
        try:
            codes = recovery_codes_regenerate(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_use_case_errors(form, error)
        else:
            return _save_codes(request, codes)
    return render_account(request, recovery_codes_form=form, status=400)
