from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import staff_members
from portal.accounts.models import User, normalize_email
from portal.tickets.models import Department, Priority, Service, ServiceField

LABELS = {"name": _("Name"), "position": _("Position in lists"), "is_active": _("Active")}


class CatalogEntryForm(forms.ModelForm):
    class Meta:
        fields = ["name", "position", "is_active"]
        labels = LABELS


class ServiceForm(CatalogEntryForm):
    class Meta(CatalogEntryForm.Meta):
        model = Service


class PriorityForm(CatalogEntryForm):
    class Meta(CatalogEntryForm.Meta):
        model = Priority
        help_texts = {"position": _("The higher, the more urgent.")}


class DepartmentForm(CatalogEntryForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Agents of this department"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They receive the department's new requests."),
    )

    class Meta(CatalogEntryForm.Meta):
        model = Department
        fields = [*CatalogEntryForm.Meta.fields, "round_robin"]
        labels = {**LABELS, "round_robin": _("Distribute new requests in turn")}
        help_texts = {
            "round_robin": _(
                "Each new request is assigned to the next agent of the department, "
                "skipping those marked away."
            )
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["members"]).queryset = staff_members()
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.members.all())


class ServiceFieldForm(forms.ModelForm):
    """One of the fields a service asks on NOVA SOLICITAÇÃO."""

    class Meta:
        model = ServiceField
        fields = ["label", "kind", "required", "help_text", "choices", "position", "is_active"]
        labels = {
            "label": _("Label"),
            "kind": _("Type of answer"),
            "required": _("Required"),
            "help_text": _("Help text"),
            "choices": _("Options"),
            "position": _("Position in the form"),
            "is_active": _("Active"),
        }
        help_texts = {
            "label": _("The question, as the client reads it: e.g. “Social network”."),
            "help_text": _("Optional: a hint shown under the field."),
            "choices": _("For a choice list only: one option per line."),
            "is_active": _("Inactive fields are no longer asked; answers already given stay."),
        }
        widgets = {"choices": forms.Textarea(attrs={"rows": 5})}


class StaffInviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    is_admin = forms.BooleanField(label=_("Administrator"), required=False)

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("There is already an account with this e-mail."))
        return email
