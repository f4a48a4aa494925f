"""Configurações → Webhooks (agency admins; 404 for anyone else): the endpoints, each
with its secret, its delivery log, Reenviar and Enviar teste."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.lib.access import admin_required
from portal.lib.forms import add_use_case_errors, posted
from portal.lib.http import AuthenticatedHttpRequest
from portal.webhooks.forms import EndpointForm
from portal.webhooks.models import Delivery, Endpoint
from portal.webhooks.selectors import delivery_log, endpoints_listed
from portal.webhooks.services import (
    delivery_resend,
    endpoint_delete,
    endpoint_ping,
    endpoint_rotate_secret,
    endpoint_save,
)

DELIVERIES_PER_PAGE = 25


def _save(request: AuthenticatedHttpRequest, form: EndpointForm, endpoint: Endpoint | None):
    try:
        return endpoint_save(endpoint=endpoint, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_use_case_errors(form, error)
        return None


@admin_required
@require_http_methods(["GET", "POST"])
def endpoint_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EndpointForm(posted(request), initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        endpoint = _save(request, form, None)
        if endpoint is not None:
            messages.success(request, _("Webhook added. Configure its secret on the receiver."))
            return redirect("webhooks:detail", endpoint_id=endpoint.pk)
    context = {"endpoints": endpoints_listed(), "form": form, "kind": "webhooks"}
    return render(request, "webhooks/endpoints.html", context)


@admin_required
@require_http_methods(["GET", "POST"])
def endpoint_detail(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "include_internal_notes": endpoint.include_internal_notes,
        "is_active": endpoint.is_active,
    }
    form = EndpointForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, endpoint):
        messages.success(request, _("Saved."))
        return redirect("webhooks:detail", endpoint_id=endpoint.pk)
    if request.method == "POST":
        endpoint.refresh_from_db()  # the page shows what is saved, next to what was typed
    page = Paginator(delivery_log(endpoint), DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"endpoint": endpoint, "form": form, "page": page, "kind": "webhooks"}
    return render(request, "webhooks/endpoint.html", context)


@admin_required
@require_POST
def endpoint_secret(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id)
    endpoint_rotate_secret(endpoint=endpoint, actor=request.user)
    messages.success(request, _("New secret created: update it on the receiver."))
    return redirect("webhooks:detail", endpoint_id=endpoint.pk)


@admin_required
@require_POST
def endpoint_test(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id)
    try:
        endpoint_ping(endpoint=endpoint, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Test sent: its outcome is in the log below."))
    return redirect("webhooks:detail", endpoint_id=endpoint.pk)


@admin_required
@require_POST
def endpoint_remove(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id)
    endpoint_delete(endpoint=endpoint, actor=request.user)
    messages.success(request, _("Webhook removed."))
    return redirect("webhooks:list")


@admin_required
@require_POST
def delivery_send_again(
    request: AuthenticatedHttpRequest, endpoint_id: int, delivery_pk: int
) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=delivery_pk, endpoint_id=endpoint_id)
    try:
        delivery_resend(delivery=delivery, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Delivery queued again."))
    return redirect("webhooks:detail", endpoint_id=endpoint_id)
