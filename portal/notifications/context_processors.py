from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.notifications.centre import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """The bell's count, asked of the database only when a page draws the bell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
