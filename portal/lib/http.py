"""Request types for views that only signed-in people reach, and bearer tokens."""

from __future__ import annotations

import hmac

from django.contrib.auth import models as auth_models
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user is signed in: what `login_required` (and the `staff_required`
    and `admin_required` built on it) guarantee to the view they wrap.

    Only a type: at run time views still receive Django's HttpRequest. The user is the
    project's user model (settings.AUTH_USER_MODEL), named through django-stubs' alias for
    it, so this module depends on no app of the portal.
    """

    user: auth_models._User


def bearer_token_matches(request: HttpRequest, token: str) -> bool:
    """Whether the request carries ``Authorization: Bearer <token>`` (compared in constant
    time, so the answer's timing does not tell how much of a guess was right)."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )
