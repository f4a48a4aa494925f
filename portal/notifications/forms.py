from __future__ import annotations

from django import forms

from portal.notifications.people import Recipient
from portal.notifications.preferences import disabled_kinds, kinds_for


class PreferencesForm(forms.Form):
    """One checkbox per kind of e-mail the person may receive; checked means sent."""

    def __init__(self, *args, user: Recipient, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        off = disabled_kinds(user)
        for kind in kinds_for(user):
            self.fields[kind.key] = forms.BooleanField(
                label=str(kind.label), required=False, initial=kind.key not in off
            )

    def enabled(self) -> set[str]:
        return {key for key, on in self.cleaned_data.items() if on}
