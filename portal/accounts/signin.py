"""Signing in, in one or two steps.

After a right password, a user with two-step verification is not signed in yet: the
session holds who passed the password, until when, and where to go next, and the second
step (portal/accounts/two_factor_views.py) signs them in. Nothing else treats that
session as signed in, so no other page can be reached in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import login
from django.http import HttpRequest
from django.utils import timezone

from portal.accounts.models import User
from portal.accounts.services import user_update_profile

# The language a visitor picked on the login page, in their session until they sign in.
LANGUAGE_CHOSEN_SESSION_KEY = "language_chosen_before_sign_in"
# Who passed the password and waits for the second step.
PENDING_SESSION_KEY = "two_factor_pending"
# Long enough to open the app and type a code; short enough that a session left at the
# second step on a shared computer does not keep the password's success for long.
PENDING_SECONDS = 5 * 60


@dataclass(frozen=True)
class Pending:
    user: User
    backend: str
    next_url: str


def start_second_step(request: HttpRequest, user: User, next_url: str) -> None:
    request.session[PENDING_SESSION_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "next": next_url,
        "until": timezone.now().timestamp() + PENDING_SECONDS,
        # Bound to the password as it was: a password changed meanwhile voids it.
        "password": user.get_session_auth_hash(),
    }


def pending(request: HttpRequest) -> Pending | None:
    """Who waits for the second step in this session, if the wait has not run out."""
    state = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(state, dict) or state.get("until", 0) < timezone.now().timestamp():
        return None
    user = User.objects.select_related("company").filter(pk=state.get("user")).first()
    if (
        user is None
        or not user.may_sign_in()
        or user.get_session_auth_hash() != state.get("password")
    ):
        return None
    return Pending(user=user, backend=state["backend"], next_url=state["next"])


def complete_sign_in(request: HttpRequest, user: User, backend: str | None = None) -> None:
    """Sign ``user`` in. The session keeps its data through login(), so a language chosen
    on the login page just before becomes the account's: the portal goes on in the
    language just read."""
    chosen = request.session.pop(LANGUAGE_CHOSEN_SESSION_KEY, "")
    request.session.pop(PENDING_SESSION_KEY, None)
    login(request, user, backend=backend or None)
    if chosen and chosen != user.language:
        user_update_profile(user=user, name=user.name, language=chosen)
