from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.core.health import check_states
from portal.core.metrics import METRICS_CONTENT_TYPE, exposition
from portal.lib.http import AuthenticatedHttpRequest, bearer_token_matches


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


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' scrape: off (404) unless METRICS_TOKEN is set, then for its bearer only."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    if not bearer_token_matches(request, token):
        response = HttpResponse("unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=METRICS_CONTENT_TYPE)
