from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.audit.models import AuditEntry
from portal.lib.access import admin_required
from portal.lib.http import AuthenticatedHttpRequest


@admin_required
@require_GET
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.all()
    action = request.GET.get("action", "")
    if action in AuditEntry.Action.values:
        entries = entries.filter(action=action)
    who = request.GET.get("q", "").strip()[:254]
    if who:
        entries = entries.filter(actor_email__icontains=who)
    page = Paginator(entries, settings.REQUESTS_PER_PAGE * 2).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "actions": AuditEntry.Action.choices,
        "action": action,
        "query": who,
        "kind": "audit",
    }
    return render(request, "audit/log.html", context)
