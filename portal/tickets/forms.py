from __future__ import annotations

import datetime
import secrets

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.tickets.models import Department, Priority, Service, check_deadline, latest_deadline
from portal.tickets.uploads import CheckedFile, check_files


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files, checked together against the limits of a submission."""

    widget = MultipleFileInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[CheckedFile]:
        if not data:
            uploads = []
        elif isinstance(data, list | tuple):
            uploads = [upload for upload in data if upload]
        else:
            uploads = [data]
        return check_files(uploads)


def attachments_help() -> str:
    return _(
        "Up to %(count)s files of at most %(size)s each. For larger files, use the shared "
        "Google Drive folder or WeTransfer (wetransfer.com) and paste the link in the message."
    ) % {
        "count": settings.ATTACHMENTS_MAX_FILES,
        "size": filesizeformat(settings.ATTACHMENTS_MAX_BYTES),
    }


def new_submission_key() -> str:
    return secrets.token_hex(16)


class NewTicketForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True),
        empty_label=_("Choose…"),
    )
    service = forms.ModelChoiceField(
        label=_("Services"),
        queryset=Service.objects.filter(is_active=True),
        empty_label=_("Choose…"),
    )
    priority = forms.ModelChoiceField(
        label=_("Priority"),
        queryset=Priority.objects.filter(is_active=True),
        empty_label=_("Choose…"),
    )
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Include all the information we need to attend your request."),
    )
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    attachments = AttachmentsField(label=_("Attach file"))
    # One key per drawn form (see ticket_open): posting it twice opens one ticket.
    submission = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput, initial=new_submission_key
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.fields["deadline"].widget.attrs["max"] = latest_deadline().isoformat()

    def clean_deadline(self) -> datetime.date:
        deadline: datetime.date = self.cleaned_data["deadline"]
        check_deadline(deadline)
        return deadline


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = AttachmentsField(label=_("Attach file"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()


class ReopenForm(forms.Form):
    """Reabrir solicitação: what is missing, with files if needed. Its own ids: it may
    share the page with another form's fields of the same name."""

    body = forms.CharField(
        label=_("What still needs to be done?"), widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = AttachmentsField(label=_("Attach file"))

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_reopen_%s")
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()


class RefuseProposalForm(forms.Form):
    comment = forms.CharField(
        label=_("Why does the new date not work for you?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OtherTimesForm(forms.Form):
    body = forms.CharField(
        label=_("Which days and times suit you?"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        # The answer form on the same page has a "body" too: the ids must differ.
        kwargs.setdefault("auto_id", "id_times_%s")
        super().__init__(*args, **kwargs)


class MeetingChoiceForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)


SCORE_CHOICES = [
    (5, _("5 — Excellent")),
    (4, _("4 — Good")),
    (3, _("3 — Fair")),
    (2, _("2 — Poor")),
    (1, _("1 — Very poor")),
]


class ConfirmForm(forms.Form):
    """Confirmar e encerrar, with the optional Como foi o atendimento?"""

    score = forms.TypedChoiceField(
        label=_("How was our service?"),
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
