from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.webhooks.models import WebhookEvent


class EndpointForm(forms.Form):
    """What an admin fills in; the URL's rules (https/http, an address on the internet)
    are checked by the use case, and its error shows next to the field."""

    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
        help_text=_("Receives a POST with the event in JSON, signed with the secret."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    include_internal_notes = forms.BooleanField(
        label=_("Also send internal notes"),
        required=False,
        help_text=_("Notes only the team sees; leave off for anything a client may read."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
