"""Background work of the accounts app, run by the task worker."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.accounts.models import User, normalize_email
from portal.notifications.emails import queue_email


@task()
def send_password_link(email: str) -> bool:
    """E-mail a one-time link to choose a new password, if ``email`` belongs to someone
    who may sign in; returns whether it did.

    Decided here, in the worker, so the page that asked does the same work whether the
    address has an account or not, and its time reveals nothing.
    """
    user = (
        User.objects.select_related("company")
        .filter(email=normalize_email(email), is_active=True)
        .first()
    )
    if user is None or not user.may_sign_in():
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    queue_email(
        "password-reset",
        to=user,
        context={
            "reset_url": f"{settings.PORTAL_BASE_URL}{path}",
            "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
    )
    return True
