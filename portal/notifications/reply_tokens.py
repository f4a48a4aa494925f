"""Personal reply tokens: who may answer a ticket's notification by e-mail.

Each e-mail about a ticket asks for answers at an address of its own,
``inbound+<token>@domain`` (emails.reply_address). The token names the
recipient and the ticket and carries an HMAC of both and of the recipient's
ReplyKey version, keyed from SECRET_KEY: only that notification's recipient
knows it, and moving the version on revokes every token the person was given.

A token is ``r<ticket number>u<user id>k<MAC>``, lowercase letters and digits
only (mail systems may change the case of an address, never its letters), at
most 40 characters. The MAC is 16 base32 characters: 80 bits, far beyond
guessing one e-mail at a time.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac

from portal.notifications.models import ReplyKey
from portal.notifications.people import Recipient, Thread

_PURPOSE = "portal.notifications.reply_tokens"
_MAC_LENGTH = 16
_TOKEN = re.compile(r"^r([1-9][0-9]{0,8})u([1-9][0-9]{0,11})k([a-z2-7]{16})$")


@dataclass(frozen=True)
class ReplyClaim:
    """What a valid token says: whose reply address it is, for which ticket."""

    user_id: int
    ticket_number: int


def _version(user_id: int) -> int:
    versions = ReplyKey.objects.filter(user_id=user_id).values_list("version", flat=True)
    return versions.first() or 0


def _mac(user_id: int, number: int, version: int, secret: str | bytes) -> str:
    value = f"{user_id}:{number}:{version}"
    digest = salted_hmac(_PURPOSE, value, secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii").lower()[:_MAC_LENGTH]


def reply_token(recipient: Recipient, ticket: Thread) -> str:
    """The token of ``recipient``'s reply address for ``ticket``."""
    user_id = int(recipient.pk)
    mac = _mac(user_id, ticket.number, _version(user_id), settings.SECRET_KEY)
    return f"r{ticket.number}u{user_id}k{mac}"


def verify_reply_token(token: str) -> ReplyClaim | None:
    """What ``token`` says, if the portal made it and its person has not revoked it."""
    match = _TOKEN.match(token.lower())
    if match is None:
        return None
    number, user_id, mac = int(match.group(1)), int(match.group(2)), match.group(3)
    version = _version(user_id)
    # Tokens made before a key rotation keep working while the old key is a fallback.
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        if constant_time_compare(mac, _mac(user_id, number, version, secret)):
            return ReplyClaim(user_id=user_id, ticket_number=number)
    return None


@transaction.atomic
def reply_tokens_revoke(*, user: Recipient) -> None:
    """Revoke every reply address ``user`` was given: answers sent to one are refused
    from now on, and their next notifications carry new ones."""
    ReplyKey.objects.get_or_create(user_id=user.pk)
    ReplyKey.objects.filter(user_id=user.pk).update(version=F("version") + 1)
