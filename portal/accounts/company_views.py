"""Minha empresa: a client company's administrators manage its contacts."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.company_admin import (
    colleague_invite,
    colleague_set_active,
    colleague_set_visibility,
    company_contacts,
    is_company_admin,
)
from portal.accounts.forms import ColleagueInviteForm
from portal.accounts.models import User
from portal.lib.forms import posted
from portal.lib.http import AuthenticatedHttpRequest


def company_admin_required(view):
    """Company admins only; anyone else (staff included) gets 404, like any page that
    is not theirs."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthenticatedHttpRequest, *args, **kwargs):
        if not is_company_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _colleague(request: AuthenticatedHttpRequest, user_id: int) -> User:
    # Another company's contact, or staff, is a 404: not in this queryset.
    return get_object_or_404(company_contacts(request.user), pk=user_id)


@company_admin_required
@require_http_methods(["GET", "POST"])
def company_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ColleagueInviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            contact = colleague_invite(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s: they receive their access by e-mail.")
                % {"email": contact.email},
            )
            return redirect("company:home")
    return render(
        request,
        "accounts/company.html",
        {"contacts": company_contacts(request.user), "form": form},
        status=400 if form.errors else 200,
    )


@company_admin_required
@require_POST
def colleague_access(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    contact = _colleague(request, user_id)
    active = request.POST.get("active") == "1"
    try:
        colleague_set_active(actor=request.user, contact=contact, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if active:
            messages.success(request, _("%(name)s can sign in again.") % {"name": contact.name})
        else:
            messages.success(request, _("%(name)s can no longer sign in.") % {"name": contact.name})
    return redirect("company:home")


@company_admin_required
@require_POST
def colleague_visibility(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    contact = _colleague(request, user_id)
    own_only = request.POST.get("sees") == "own"
    colleague_set_visibility(actor=request.user, contact=contact, own_only=own_only)
    messages.success(request, _("Saved what %(name)s sees.") % {"name": contact.name})
    return redirect("company:home")
