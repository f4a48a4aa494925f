from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """The portal speaks pt-BR unless someone chose otherwise.

    A signed-in user sees the language of their account; a visitor, the one
    picked on the login page (a cookie). The browser's Accept-Language is
    deliberately ignored: the agency's clients expect the guide's wording even
    on a browser set to English.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response

    @staticmethod
    def _language_for(request: HttpRequest) -> str:
        available = {code for code, _ in settings.LANGUAGES}
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in available:
            return user.language
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "").lower()
        return chosen if chosen in available else settings.LANGUAGE_CODE


class ForcePasswordChangeMiddleware:
    """Until an invited user chooses their own password, no other page opens."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            target = reverse("accounts:password_change_required")
            allowed = {target, reverse("accounts:logout"), reverse("core:healthz")}
            if request.path_info not in allowed:
                return redirect(target)
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """With STAFF_REQUIRE_2FA, a member of the team without two-step verification reaches
    only its enrolment (and Minha conta, and signing out) until it is on."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.STAFF_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and user.is_agency_staff
            and not user.has_two_factor
        ):
            target = reverse("accounts:two_factor_enable")
            allowed = {
                target,
                reverse("accounts:account"),
                reverse("accounts:recovery_codes"),
                reverse("accounts:recovery_codes_download"),
                reverse("accounts:logout"),
                reverse("core:healthz"),
                reverse("set_language"),
            }
            if request.path_info not in allowed:
                return redirect(target)
        return self.get_response(request)
