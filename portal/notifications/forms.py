from __future__ import annotations

from django import forms

from portal.notifications.models import Channel
from portal.notifications.people import Recipient
from portal.notifications.preferences import disabled_kinds, kinds_for

PORTAL_PREFIX = "portal:"


class PreferencesForm(forms.Form):
    """Two checkboxes per kind of news the person may receive, one per channel (e-mail,
    portal); checked means sent. The e-mail ones are named by the kind alone."""

    def __init__(self, *args, user: Recipient, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        off_email = disabled_kinds(user, Channel.EMAIL)
        off_portal = disabled_kinds(user, Channel.PORTAL)
        self.kinds = kinds_for(user)
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
            key for key, on in self.cleaned_data.items() if on and not key.startswith(PORTAL_PREFIX)
        }

    def enabled_portal(self) -> set[str]:
        return {
            key.removeprefix(PORTAL_PREFIX)
            for key, on in self.cleaned_data.items()
            if on and key.startswith(PORTAL_PREFIX)
        }
