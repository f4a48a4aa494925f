from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.core.health import database_state, task_queue_state
from portal.lib.http import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_contact:
        return redirect("tickets:list")
    return redirect("workspace:queue")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_state()
    queue = task_queue_state() if database["status"] == "ok" else {"status": "down"}
    healthy = database["status"] == "ok" and queue["status"] == "ok"
    body = {"status": "ok" if healthy else "unhealthy", "database": database, "task_queue": queue}
    return JsonResponse(body, status=200 if healthy else 503)
