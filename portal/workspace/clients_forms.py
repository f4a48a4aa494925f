from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import ColleagueInviteForm
from portal.accounts.models import User
from portal.companies.models import Company


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ["name"]
        labels = {"name": _("Company name")}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        others = Company.objects.exclude(pk=self.instance.pk)
        if others.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("There is already a company with this name."))
        return name


# Clientes invites a contact with the same form as Minha empresa.
ContactInviteForm = ColleagueInviteForm


class CompanyEditForm(CompanyForm):
    class Meta(CompanyForm.Meta):
        fields = ["name", "is_active"]
        labels = {**CompanyForm.Meta.labels, "is_active": _("Active client")}


class ContactEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language", "sees_own_requests_only", "is_company_admin"]
        labels = {
            "name": _("Name"),
            "language": _("Language"),
            "sees_own_requests_only": _("Sees only the requests they opened or follow"),
            "is_company_admin": _("Company administrator"),
        }
        help_texts = {
            "sees_own_requests_only": _("Otherwise the contact sees every request of the company."),
            "is_company_admin": _(
                "Manages the company's contacts in My company (invite, deactivate, what "
                "each sees) and receives the monthly report."
            ),
        }
