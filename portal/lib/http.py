"""Request types for views that only signed-in people reach."""

from __future__ import annotations

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
