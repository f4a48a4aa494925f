from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.decorators import admin_required
from portal.core.forms import posted
from portal.notifications.forms import PreferencesForm
from portal.notifications.inbound import ingest_email, max_inbound_bytes, refuse_too_large
from portal.notifications.models import InboundEmail, OutboundEmail
from portal.notifications.preferences import preferences_save
from portal.notifications.selectors import (
    inbound_emails,
    outbound_emails,
    outbound_status_counts,
)
from portal.notifications.services import email_resend

EMAILS_PER_PAGE = 50


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        preferences_save(user=request.user, enabled=form.enabled())
        messages.success(request, _("Your e-mail preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@admin_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    emails = outbound_emails(status=status)
    page = Paginator(emails, EMAILS_PER_PAGE).get_page(request.GET.get("page"))
    counts = outbound_status_counts()
    tabs = [(value, label, counts[value]) for value, label in OutboundEmail.Status.choices]
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "tabs": tabs,
            "total": sum(counts.values()),
            "status": status if status in OutboundEmail.Status.values else "",
        },
    )


@admin_required
@require_POST
def outbox_resend(request: HttpRequest, email_id: int) -> HttpResponse:
    try:
        email = email_resend(email_id=email_id)
    except OutboundEmail.DoesNotExist as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The e-mail to %(address)s is queued again.") % {"address": email.to_address}
        )
    return redirect(f"{reverse('notifications:outbox')}?status={OutboundEmail.Status.FAILED}")


@admin_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    page = Paginator(inbound_emails(status=status), EMAILS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    tabs = list(InboundEmail.Status.choices)
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "tabs": tabs, "status": status if status in dict(tabs) else ""},
    )


def _authorized(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def _posted_message(request: HttpRequest, limit: int) -> bytes | None:
    """The raw e-mail: the whole body (message/rfc822), or a form field or file "email".
    None when there is none; at most ``limit`` + 1 bytes are read."""
    if request.content_type == "message/rfc822":
        return request.read(limit + 1) or None
    upload = request.FILES.get("email")
    if upload is not None:
        return upload.read(limit + 1)
    field = request.POST.get("email")
    return field.encode("utf-8", "surrogateescape") if field else None


@csrf_exempt  # called by a mail provider, authenticated by the shared token instead
@require_POST
def inbound(request: HttpRequest) -> HttpResponse:
    token = settings.INBOUND_EMAIL_TOKEN
    if not token:
        raise Http404
    if not _authorized(request, token):
        return JsonResponse({"error": "forbidden"}, status=403)
    limit = max_inbound_bytes()
    raw = _posted_message(request, limit)
    if raw is None:
        return JsonResponse({"error": "no message"}, status=400)
    if len(raw) > limit:
        record = refuse_too_large(raw[:65536], source=InboundEmail.Source.HTTP)
        return JsonResponse({"status": record.status, "reason": record.reason}, status=413)
    record = ingest_email(raw, source=InboundEmail.Source.HTTP)
    accepted = record.status == InboundEmail.Status.ACCEPTED
    return JsonResponse(
        {"status": record.status, "reason": record.reason}, status=202 if accepted else 422
    )
