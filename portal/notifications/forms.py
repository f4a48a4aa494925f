from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.notifications.models import Channel
from portal.notifications.people import Recipient
from portal.notifications.preferences import (
    disabled_kinds,
    hears_company_wide,
    kinds_for,
    offers_company_wide,
)

PORTAL_PREFIX = "portal:"
COMPANY_WIDE = "company_wide"


class PreferencesForm(forms.Form):
    """Two checkboxes per kind of news the person may receive, one per channel (e-mail,
    portal); checked means sent. The e-mail ones are named by the kind alone."""

    def __init__(self, *args, user: Recipient, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        off_email = disabled_kinds(user, Channel.EMAIL)
        off_portal = disabled_kinds(user, Channel.PORTAL)
        self.kinds = kinds_for(user)
        if offers_company_wide(user):
            self.fields[COMPANY_WIDE] = forms.BooleanField(
                label=_("All of the company's requests"),
                help_text=_(
                    "Hear about every request of your company, not only the ones you "
                    "opened, follow or wrote on."
                ),
                required=False,
                initial=hears_company_wide(user),
            )
        for kind in self.kinds:
            self.fields[kind.key] = forms.BooleanField(
                label=str(kind.label), required=False, initial=kind.key not in off_email
            )
            self.fields[PORTAL_PREFIX + kind.key] = forms.BooleanField(
                label=str(kind.label), required=False, initial=kind.key not in off_portal
            )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (str(kind.label), self[kind.key], self[PORTAL_PREFIX + kind.key]) for kind in self.kinds
        ]

    def enabled(self) -> set[str]:
        return {
            key
            for key, on in self.cleaned_data.items()
            if on and not key.startswith(PORTAL_PREFIX) and key != COMPANY_WIDE
        }

    @property
    def company_wide_field(self) -> forms.BoundField | None:
        return self[COMPANY_WIDE] if COMPANY_WIDE in self.fields else None

    def company_wide_choice(self) -> bool | None:
        """The contact's choice; None where it is not offered (the team)."""
        if COMPANY_WIDE not in self.fields:
            return None
        return bool(self.cleaned_data.get(COMPANY_WIDE))

    def enabled_portal(self) -> set[str]:
        return {
            key.removeprefix(PORTAL_PREFIX)
            for key, on in self.cleaned_data.items()
            if on and key.startswith(PORTAL_PREFIX)
        }
