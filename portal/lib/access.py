from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from portal.lib.http import AuthenticatedHttpRequest


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Agency staff only. Anyone else gets a 404, so staff URLs reveal nothing."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_agency_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Agency admins only; a 404 for everyone else."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_admin:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
