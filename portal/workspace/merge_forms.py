"""Mesclar's form: the number of the request to merge into, looked up among the same
company's requests only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.tickets.models import Ticket


class MergeForm(forms.Form):
    prefix = "merge"  # unique ids on a ticket page full of forms

    target = forms.IntegerField(
        label=_("Merge into request no."),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    # Set by the confirmation page's button: the first submit only asks for it.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, source: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_target(self) -> Ticket:
        """The request with this number, if it is the same company's: another company's
        number reads as one that does not exist, so the form tells nothing about it."""
        target = (
            Ticket.objects.filter(
                company_id=self.source.company_id, number=self.cleaned_data["target"]
            )
            .select_related("company", "opened_by", "assignee")
            .first()
        )
        if target is None:
            raise forms.ValidationError(_("No request of this company has this number."))
        return target
