from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.company_admin import contact_set_company_admin
from portal.accounts.models import Role, User
from portal.accounts.services import (
    contact_invite,
    contact_update,
    user_deactivate,
    user_reactivate,
    user_send_access,
)
from portal.companies.models import Company
from portal.companies.selectors import companies_with_contact_counts
from portal.companies.services import company_create, company_update
from portal.lib.access import admin_required, staff_required
from portal.lib.forms import posted
from portal.lib.http import AuthenticatedHttpRequest
from portal.privacy import services as privacy
from portal.workspace.clients_forms import (
    CompanyEditForm,
    CompanyForm,
    ContactEditForm,
    ContactInviteForm,
)


@staff_required
@require_http_methods(["GET", "POST"])
def company_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CompanyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        company = company_create(name=form.cleaned_data["name"])
        messages.success(request, _("Company %(name)s created.") % {"name": company.name})
        return redirect("companies:detail", company_id=company.pk)
    return render(
        request,
        "workspace/clients/company_list.html",
        {"companies": companies_with_contact_counts(), "form": form},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def company_detail(request: AuthenticatedHttpRequest, company_id: int) -> HttpResponse:
    company = get_object_or_404(Company, pk=company_id)
    form = ContactInviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        contact = contact_invite(
            company=company,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
        )
        messages.success(
            request, _("Access for %(email)s sent by e-mail.") % {"email": contact.email}
        )
        return redirect("companies:detail", company_id=company.pk)
    contacts = company.contacts.order_by("-is_active", "name")
    return render(
        request,
        "workspace/clients/company_detail.html",
        {"company": company, "contacts": contacts, "form": form},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def company_edit(request: AuthenticatedHttpRequest, company_id: int) -> HttpResponse:
    company = get_object_or_404(Company, pk=company_id)
    form = CompanyEditForm(posted(request), instance=company)
    if request.method == "POST" and form.is_valid():
        company_update(
            company=company,
            name=form.cleaned_data["name"],
            is_active=form.cleaned_data["is_active"],
        )
        messages.success(request, _("Saved."))
        return redirect("companies:detail", company_id=company.pk)
    return render(
        request, "workspace/clients/company_edit.html", {"company": company, "form": form}
    )


def _contact(company_id: int, user_id: int, *, anonymised_too: bool = False) -> User:
    contacts = User.objects.select_related("company")
    if not anonymised_too:
        # Nothing is left to edit, invite or reactivate once a contact is anonymised.
        contacts = contacts.filter(anonymised_at__isnull=True)
    return get_object_or_404(contacts, pk=user_id, company_id=company_id, role=Role.CONTACT)


@staff_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedHttpRequest, company_id: int, user_id: int) -> HttpResponse:
    contact = _contact(company_id, user_id)
    form = ContactEditForm(posted(request), instance=contact)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        company_admin = data.pop("is_company_admin")
        with transaction.atomic():
            contact_update(contact=contact, **data)
            if company_admin != User.objects.get(pk=contact.pk).is_company_admin:
                contact_set_company_admin(
                    actor=request.user, contact=contact, is_admin=company_admin
                )
        messages.success(request, _("Saved."))
        return redirect("companies:detail", company_id=company_id)
    return render(
        request, "workspace/clients/contact_edit.html", {"contact": contact, "form": form}
    )


@staff_required
@require_POST
def contact_resend_access(
    request: AuthenticatedHttpRequest, company_id: int, user_id: int
) -> HttpResponse:
    contact = _contact(company_id, user_id)
    if not contact.is_active:
        messages.error(request, _("Reactivate the contact before sending a new access."))
        return redirect("companies:detail", company_id=company_id)
    user_send_access(user=contact)
    messages.success(request, _("A new access was sent to %(email)s.") % {"email": contact.email})
    return redirect("companies:detail", company_id=company_id)


@staff_required
@require_POST
def contact_set_active(
    request: AuthenticatedHttpRequest, company_id: int, user_id: int
) -> HttpResponse:
    contact = _contact(company_id, user_id)
    activate = request.POST.get("active") == "1"
    try:
        if activate:
            user_reactivate(actor=request.user, user=contact)
        else:
            user_deactivate(actor=request.user, user=contact)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = (
            _("%(name)s can sign in again.")
            if activate
            else _("%(name)s can no longer sign in. Their history stays.")
        )
        messages.success(request, message % {"name": contact.name})
    return redirect("companies:detail", company_id=company_id)


@admin_required
@require_http_methods(["GET", "POST"])
def contact_anonymise(
    request: AuthenticatedHttpRequest, company_id: int, user_id: int
) -> HttpResponse:
    """LGPD: an admin anonymises a contact who left, after a confirmation page."""
    contact = _contact(company_id, user_id, anonymised_too=True)
    if request.method == "GET" and contact.anonymised_at is None:
        return render(request, "workspace/clients/contact_anonymise.html", {"contact": contact})
    if request.method == "POST" and privacy.contact_anonymise(actor=request.user, contact=contact):
        messages.success(
            request, _("The contact is anonymised: their messages now show as Ex-contato.")
        )
    else:
        messages.info(request, _("This contact was already anonymised."))
    return redirect("companies:detail", company_id=company_id)
