from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.lib.access import admin_required
from portal.lib.forms import posted
from portal.lib.http import AuthenticatedHttpRequest
from portal.notifications.centre import mark_all_read, mark_read, notifications_of
from portal.notifications.forms import PreferencesForm
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
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferencesForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        preferences_save(
            user=request.user,
            enabled=form.enabled(),
            enabled_portal=form.enabled_portal(),
            company_wide=form.company_wide_choice(),
        )
        messages.success(request, _("Your preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


NOTIFICATIONS_PER_PAGE = 25


@login_required
@require_GET
def centre(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The notification centre: newest first, each linking to what it is about."""
    page = Paginator(notifications_of(request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/centre.html", {"page": page})


@login_required
@require_GET
def open_notification(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification: it is read from then on. Another person's is a 404."""
    notification = mark_read(request.user, notification_id)
    if notification is None:
        raise Http404
    # Only the portal's own paths are stored; anything else goes back to the list.
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith(
        "/"
    ):
        target = reverse("notifications:centre")
    return redirect(target)


@login_required
@require_POST
def read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = mark_all_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:centre")


@admin_required
@require_GET
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def outbox_resend(request: AuthenticatedHttpRequest, email_id: int) -> HttpResponse:
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
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
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
