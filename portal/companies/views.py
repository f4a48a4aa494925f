from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.decorators import staff_required
from portal.accounts.models import Role, User
from portal.accounts.services import contact_invite, user_send_access
from portal.companies.forms import CompanyForm, ContactInviteForm
from portal.companies.models import Company
from portal.companies.selectors import companies_with_contact_counts
from portal.companies.services import company_create
from portal.core.forms import posted


@staff_required
@require_http_methods(["GET", "POST"])
def company_list(request: HttpRequest) -> HttpResponse:
    form = CompanyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        company = company_create(name=form.cleaned_data["name"])
        messages.success(request, _("Company %(name)s created.") % {"name": company.name})
        return redirect("companies:detail", company_id=company.pk)
    return render(
        request,
        "companies/company_list.html",
        {"companies": companies_with_contact_counts(), "form": form},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def company_detail(request: HttpRequest, company_id: int) -> HttpResponse:
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
    contacts = company.contacts.order_by("name")
    return render(
        request,
        "companies/company_detail.html",
        {"company": company, "contacts": contacts, "form": form},
    )


@staff_required
@require_POST
def contact_resend_access(request: HttpRequest, company_id: int, user_id: int) -> HttpResponse:
    contact = get_object_or_404(
        User, pk=user_id, company_id=company_id, role=Role.CONTACT, is_active=True
    )
    user_send_access(user=contact)
    messages.success(request, _("A new access was sent to %(email)s.") % {"email": contact.email})
    return redirect("companies:detail", company_id=company_id)
