"""The one-time link of an invitation (or of "Enviar novo acesso"): "Criar sua senha".

No password travels by e-mail. The link is Django's password-reset token with a salt of
its own and a lifetime of ``INVITATION_LINK_DAYS`` (a reset link lasts hours, an
invitation waits in an inbox for days). Like a reset token it is bound to the password
hash and the last sign-in, so it works once: setting the password, or signing in,
spends it.
"""

from __future__ import annotations

import enum
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from portal.accounts.models import User


class LinkState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"  # forged, or spent (the password or the last sign-in changed)


class AccessLinkTokens(PasswordResetTokenGenerator):
    key_salt = "portal.accounts.access_links"

    def state(self, user: User | None, token: str | None) -> LinkState:
        """Whether ``token`` opens ``user``'s access now, and if not, why."""
        if user is None or not token or token.count("-") != 1:
            return LinkState.INVALID
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return LinkState.INVALID
        secrets = [self.secret, *self.secret_fallbacks]
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, s), token)
            for s in secrets
        ):
            return LinkState.INVALID
        age = self._num_seconds(self._now()) - timestamp
        if age > timedelta(days=settings.INVITATION_LINK_DAYS).total_seconds():
            return LinkState.EXPIRED
        return LinkState.VALID

    def check_token(self, user: User | None, token: str | None) -> bool:
        return self.state(user, token) is LinkState.VALID


access_link_tokens = AccessLinkTokens()


def access_link_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = access_link_tokens.make_token(user)
    path = reverse("accounts:access_link", kwargs={"uidb64": uid, "token": token})
    return f"{settings.PORTAL_BASE_URL}{path}"
