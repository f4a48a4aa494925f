from __future__ import annotations

import datetime
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import StaffChoiceField, staff_members
from portal.accounts.models import User
from portal.companies.models import Company
from portal.lib.widgets import use_fast_selects
from portal.tickets.forms import AttachmentsField, attachments_help
from portal.tickets.models import (
    Department,
    Priority,
    Service,
    Status,
    check_deadline,
)
from portal.workspace.models import CannedReply

SORT_CHOICES = [
    ("activity", _("Last activity")),
    ("deadline", _("Deadline (soonest first)")),
    ("priority", _("Priority (most urgent first)")),
    ("number", _("Number (newest first)")),
]


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the URL. Invalid values are ignored, not errors."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.all(),
        empty_label=_("All"),
    )  # fmt: skip
    service = forms.ModelChoiceField(
        label=_("Services"), required=False, queryset=Service.objects.all(), empty_label=_("All")
    )
    priority = forms.ModelChoiceField(
        label=_("Priority"), required=False, queryset=Priority.objects.all(), empty_label=_("All")
    )
    company = forms.ModelChoiceField(
        label=_("Company"), required=False, queryset=Company.objects.all(), empty_label=_("All")
    )
    assignee = forms.ChoiceField(label=_("Attended by"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    commitment = forms.ChoiceField(
        label=_("Commitments"),
        required=False,
        choices=[("", _("All")), ("at_risk", _("At risk")), ("late", _("Missed"))],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody (unassigned)")),
        ] + [(str(user.pk), user.name) for user in staff_members()]
        use_fast_selects(self)

    def filters(self) -> dict:
        """The valid filters only; anything that did not validate is dropped."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class StaffAnswerForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))
    internal = forms.BooleanField(label=_("Internal note (only the team sees it)"), required=False)
    attachments = AttachmentsField(label=_("Attach file"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=_("Attended by"), required=False, queryset=User.objects.none(),
        empty_label=_("Nobody"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["assignee"]).queryset = staff_members()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    # The status the agent saw when the page was drawn: a change made by someone else
    # meanwhile is not silently overwritten.
    seen = forms.ChoiceField(choices=Status.choices, required=False, widget=forms.HiddenInput)


class DeadlineForm(forms.Form):
    deadline = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("Reason (the client sees it)"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_deadline(self) -> datetime.date:
        deadline: datetime.date = self.cleaned_data["deadline"]
        check_deadline(deadline, allow_past=True)
        return deadline


class ClassificationForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())
    service = forms.ModelChoiceField(label=_("Services"), queryset=Service.objects.all())
    priority = forms.ModelChoiceField(label=_("Priority"), queryset=Priority.objects.all())


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["title", "body", "is_shared"]
        labels = {
            "title": _("Title"),
            "body": _("Text"),
            "is_shared": _("Shared with the team"),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
