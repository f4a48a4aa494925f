from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.core.health import check_states
from portal.lib.http import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_contact:
        return redirect("tickets:list")
    return redirect("workspace:queue")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    states = check_states()
    healthy = all(state["status"] == "ok" for state in states.values())
    body = {"status": "ok" if healthy else "unhealthy", **states}
    return JsonResponse(body, status=200 if healthy else 503)
