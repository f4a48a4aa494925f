"""Django's admin, signed in to only through the portal's own login page.

The admin (superusers; routed only with ``DJANGO_ADMIN=1``, see ``portal/urls.py``)
comes with a login form of its own, which would be a second way in without the
portal's throttling and audit log: a password oracle for superusers. Its login
page sends people to the portal's instead, with ``next`` back into the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


class PortalAdminSite(admin.AdminSite):
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Never checks a password (a POST here is ignored): the portal's login page does."""
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not target.startswith(index):
            target = index  # the admin's login leads back into the admin only
        if not request.user.is_authenticated:
            return redirect_to_login(target, reverse("accounts:login"))
        if not self.has_permission(request):
            # Signed in, but the admin is not for them: as anywhere else, 404 (sending
            # them back to the login page would loop, since they are signed in).
            raise Http404
        return HttpResponseRedirect(target)
