"""Errors as JSON, one shape for all: ``{"detail": "...", "errors": {"field": ["..."]}}``,
in the language of the request (Accept-Language, else the token's user's)."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError


class NotAuthenticated(Exception):
    """No token, or one that is unknown, revoked or expired, or whose user is shut out."""


class ReadOnlyToken(Exception):
    """A read-only token asked to change something."""


class Throttled(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(wait)
        self.wait = wait


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


def form_errors(form: Any) -> dict[str, list[str]]:
    """A Django form's errors by field; errors about the whole form under ``__all__``."""
    return {
        field: [str(message) for message in messages] for field, messages in form.errors.items()
    }


class FormInvalid(Exception):
    """A form (the web's, reused) refused the input: its errors go back by field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every error the API's shape."""

    def not_authenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(
            api, request, 401, _("A valid API key is required (Authorization: Bearer …).")
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def read_only(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 403, _("This API key can only read."))

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 403, _("You may not do this."))

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(api, request, 404, _("Not found."))

    def throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        wait = exc.wait if isinstance(exc, Throttled) else 60
        response = error_response(
            api, request, 429, _("Too many requests with this API key: wait a moment.")
        )
        response["Retry-After"] = str(max(1, math.ceil(wait)))
        return response

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, ValidationError)
        if hasattr(exc, "error_dict"):
            errors = {
                field: [str(m) for m in ValidationError(messages).messages]
                for field, messages in exc.error_dict.items()
            }
            detail = _("Check the fields with errors.")
        else:
            errors = {}
            detail = " ".join(str(m) for m in exc.messages)
        return error_response(api, request, 400, detail, errors)

    def form_invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, FormInvalid)
        detail = " ".join(exc.errors.get("__all__", [])) or _("Check the fields with errors.")
        return error_response(api, request, 400, detail, exc.errors)

    def schema_invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        # The request did not match the documented schema (JSON that is not an object,
        # a number where a list goes): name the field, in the user's language.
        assert isinstance(exc, SchemaError)
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            location = [
                str(part) for part in error.get("loc", ()) if part not in {"body", "payload"}
            ]
            field = location[-1] if location else "__all__"
            errors.setdefault(field, []).append(_("Invalid value."))
        return error_response(api, request, 400, _("Check the fields with errors."), errors)

    api.add_exception_handler(NotAuthenticated, not_authenticated)
    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(ReadOnlyToken, read_only)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(FormInvalid, form_invalid)
    api.add_exception_handler(SchemaError, schema_invalid)
