"""Companies and their contacts, for the team (Clientes): a client's key gets 404, as on
the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja import Status as Reply

from portal.accounts.models import User
from portal.accounts.services import contact_invite
from portal.api.errors import FormInvalid, form_errors
from portal.api.schemas import CompanyOut, ContactIn, ContactOut, ErrorOut, company_out, contact_out
from portal.companies.models import Company
from portal.companies.selectors import companies_with_contact_counts
from portal.lib.http import AuthenticatedHttpRequest
from portal.workspace.clients_forms import ContactInviteForm

router = Router(tags=["companies"])
ERRORS: dict[int | frozenset[int], Any] = {frozenset({400, 401, 403, 404, 429}): ErrorOut}


def _staff_only(request: AuthenticatedHttpRequest) -> None:
    # Like the staff pages (portal.lib.access.staff_required): a 404, revealing nothing.
    if not request.user.is_agency_staff:
        raise Http404


@router.get("/companies", response={200: list[CompanyOut], **ERRORS}, summary="Companies")
def list_companies(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    _staff_only(request)
    return [company_out(c) for c in companies_with_contact_counts()]


@router.get("/companies/{company_id}", response={200: CompanyOut, **ERRORS}, summary="A company")
def company_detail(request: AuthenticatedHttpRequest, company_id: int) -> dict[str, Any]:
    _staff_only(request)
    return company_out(get_object_or_404(companies_with_contact_counts(), pk=company_id))


@router.get(
    "/companies/{company_id}/contacts",
    response={200: list[ContactOut], **ERRORS},
    summary="A company's contacts",
)
def list_contacts(request: AuthenticatedHttpRequest, company_id: int) -> list[dict[str, Any]]:
    _staff_only(request)
    company = get_object_or_404(Company, pk=company_id)
    contacts = company.contacts.select_related("company").order_by("-is_active", "name")
    return [contact_out(c) for c in contacts]


@router.post(
    "/companies/{company_id}/contacts",
    response={201: ContactOut, **ERRORS},
    summary="Invite a contact",
)
def invite_contact(request: AuthenticatedHttpRequest, company_id: int, payload: ContactIn) -> Reply:
    """Creates the contact and e-mails their access, as Clientes does."""
    _staff_only(request)
    company = get_object_or_404(Company, pk=company_id)
    form = ContactInviteForm(payload.model_dump())
    if not form.is_valid():
        raise FormInvalid(form_errors(form))
    contact = contact_invite(company=company, **form.cleaned_data)
    return Reply(201, contact_out(contact))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS}, summary="A contact")
def contact_detail(request: AuthenticatedHttpRequest, contact_id: int) -> dict[str, Any]:
    _staff_only(request)
    contact = get_object_or_404(User.objects.contacts().select_related("company"), pk=contact_id)
    return contact_out(contact)
