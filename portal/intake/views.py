"""The HTTP door of the e-mail intake: mail providers post answers here."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from portal.intake.inbound import ingest_email, max_inbound_bytes, refuse_too_large
from portal.notifications.models import InboundEmail


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


def _posted_recipients(request: HttpRequest) -> list[str]:
    """The envelope recipients some providers post beside the message (form field
    "recipient"): the reply address may show there only."""
    if request.content_type == "message/rfc822":
        return []
    return request.POST.getlist("recipient")


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
    recipients = _posted_recipients(request)
    record = ingest_email(raw, source=InboundEmail.Source.HTTP, recipients=recipients)
    accepted = record.status == InboundEmail.Status.ACCEPTED
    return JsonResponse(
        {"status": record.status, "reason": record.reason}, status=202 if accepted else 422
    )
