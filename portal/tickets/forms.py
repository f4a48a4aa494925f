from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.lib.dates import DayMonthYearField
from portal.tickets.followers import follower_candidates, followers_of
from portal.tickets.models import (
    Department,
    Priority,
    Service,
    ServiceField,
    Ticket,
    check_deadline,
    latest_deadline,
)
from portal.tickets.service_fields import field_key, form_field
from portal.tickets.uploads import KNOWN_TYPES, CheckedFile, check_file, check_files, readable_size


class MultipleFileInput(forms.ClearableFileInput):
    """Several files at once, carrying the limits of a submission for the browser.

    forms.js checks count, size and type before anything is sent, with the numbers and the
    accepted extensions given here from the settings and KNOWN_TYPES, and the messages the
    server itself would give, in the page's language ({name}, {size}, {count} filled in by
    the script). The server checks again: the browser is never trusted.
    """

    allow_multiple_selected = True

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # At render time, not at import: settings may change (tests) and so does the language.
        context["widget"]["attrs"].update(upload_limits())
        return context


def upload_limits() -> dict[str, str]:
    limit = readable_size(settings.ATTACHMENTS_MAX_BYTES)
    extensions = sorted(KNOWN_TYPES)
    placeholders = {"name": "{name}", "size": "{size}", "count": "{count}"}
    return {
        "accept": ",".join(f".{extension}" for extension in extensions),
        "data-max-files": str(settings.ATTACHMENTS_MAX_FILES),
        "data-max-bytes": str(settings.ATTACHMENTS_MAX_BYTES),
        "data-extensions": " ".join(extensions),
        "data-msg-count": gettext(
            "You sent %(count)s files; the limit is %(limit)s per submission."
        )
        % {**placeholders, "limit": settings.ATTACHMENTS_MAX_FILES},
        "data-msg-size": gettext("“%(name)s” has %(size)s; the limit is %(limit)s per file.")
        % {**placeholders, "limit": limit},
        "data-msg-type": gettext(
            "“%(name)s”: this type of file is not accepted. Accepted: %(types)s."
        )
        % {**placeholders, "types": ", ".join(extensions)},
        "data-msg-empty": gettext("“%(name)s” is empty.") % placeholders,
        "data-msg-remove": gettext("Remove"),
        "data-msg-remove-name": gettext("Remove %(name)s") % placeholders,
        "data-msg-drop": gettext("Drag and drop files here, or choose them with the button."),
        "data-msg-chosen": gettext("Files to send"),
        "data-msg-summary": gettext("Please fix the following"),
        "data-msg-sending": gettext("Sending your files…"),
        "data-msg-failed": gettext(
            "The files could not be sent. Check your connection and try again."
        ),
    }


class AttachmentsBoundField(forms.BoundField):
    @property
    def accepted_names(self) -> list[str]:
        """The names of the files of a form that came back with an error (here or in
        another field) that passed every check: browsers never send chosen files again, so
        the page lists them to be chosen again, and forms.js puts them back by name."""
        if not self.form.is_bound or not self.form.files:
            return []
        uploads = [upload for upload in self.form.files.getlist(self.html_name) if upload]
        if self.name in getattr(self.form, "cleaned_data", {}):
            return [upload.name or "" for upload in uploads]
        if len(uploads) > settings.ATTACHMENTS_MAX_FILES:
            return []  # which ones to keep is the client's choice
        accepted = []
        for upload in uploads:
            try:
                check_file(upload)
            except ValidationError:
                continue
            accepted.append(upload.name or "")
        return accepted


class AttachmentsField(forms.FileField):
    """Zero or more files, checked together against the limits of a submission."""

    widget = MultipleFileInput
    bound_field_class = AttachmentsBoundField

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


class PeopleField(forms.ModelMultipleChoiceField):
    """People by name (and, for the team, the agency's name beside it)."""

    def label_from_instance(self, obj: User) -> str:
        if obj.is_agency_staff:
            return f"{obj.name} ({settings.AGENCY_NAME})"
        return obj.name


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
    deadline = DayMonthYearField(label=_("Deadline"))
    attachments = AttachmentsField(label=_("Attach file"))
    followers = PeopleField(
        label=_("Followers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Colleagues who receive a copy of every update."),
    )
    # One key per drawn form (see ticket_open): posting it twice opens one ticket.
    submission = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput, initial=new_submission_key
    )

    def __init__(self, *args, colleagues: QuerySet[User] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()
        # Only the author's colleagues can be chosen: any other id is an invalid choice.
        followers = cast(forms.ModelMultipleChoiceField, self.fields["followers"])
        followers.queryset = colleagues if colleagues is not None else User.objects.none()
        self.fields["deadline"].widget.attrs["data-min"] = timezone.localdate().isoformat()
        self.fields["deadline"].widget.attrs["data-max"] = latest_deadline().isoformat()

    def clean_deadline(self) -> datetime.date:
        deadline: datetime.date = self.cleaned_data["deadline"]
        check_deadline(deadline)
        return deadline

    def ticket_fields(self) -> dict[str, Any]:
        """What the form asked, as ticket_open's arguments (the page and the API share it)."""
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "department": data["department"],
            "service": data["service"],
            "priority": data["priority"],
            "body": data["body"],
            "deadline": data["deadline"],
            "files": data["attachments"],
            "submission_key": data["submission"],
            "followers": data["followers"],
        }


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


class FollowersForm(forms.Form):
    """Adicionar seguidores: people who may follow the request (see followers.py)."""

    followers = PeopleField(
        label=_("Add followers"), queryset=User.objects.none(), widget=forms.SelectMultiple
    )

    def __init__(self, *args, candidates: QuerySet[User] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["followers"])
        field.queryset = candidates if candidates is not None else User.objects.none()


@dataclass(frozen=True)
class ServiceFieldset:
    """One service's fields on NOVA SOLICITAÇÃO, and whether the page shows them."""

    service_id: int
    service_name: str
    fields: list[forms.BoundField]
    shown: bool


class ServiceAnswersForm(forms.Form):
    """The extra fields of the service chosen on NOVA SOLICITAÇÃO (intake per service).

    Every service's fields are drawn, each service's in a fieldset that a script shows
    when the service is chosen (and that is disabled, so not sent, while hidden). Without
    the script the client sees none at first: a service posted without its fields (no
    ``fields_for`` naming it) brings the *second step*, its fields shown to be filled in,
    without errors. Only the chosen service's fields are validated.
    """

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        fields_by_service: Mapping[int, Sequence[ServiceField]],
    ) -> None:
        self.fields_by_service = fields_by_service
        chosen = data.get("service", "") if data is not None else ""
        self.service_id = int(chosen) if chosen.isdigit() else None
        asked = fields_by_service.get(self.service_id or 0, [])
        if not asked:
            self.service_id = None
        shown = data is not None and str(self.service_id) in data.getlist("fields_for")
        self.second_step = data is not None and bool(asked) and not shown
        super().__init__(data if shown else None)
        for field in asked:
            self.fields[field_key(field)] = form_field(field)

    def is_valid(self) -> bool:
        # A service with no fields has nothing to answer; at the second step the client
        # has not seen the fields yet (the form is unbound, so never valid).
        return self.service_id is None or super().is_valid()

    def answers(self) -> dict[int, Any]:
        """The cleaned answers by field id, for ``ticket_open``."""
        asked = self.fields_by_service.get(self.service_id or 0, [])
        return {field.pk: self.cleaned_data.get(field_key(field)) for field in asked}

    def claim_errors(self, error: ValidationError) -> ValidationError:
        """Show the use case's errors about these fields next to them; the rest is returned
        for the main form."""
        if not hasattr(error, "error_dict"):
            return error
        rest = {}
        for name, errors in error.error_dict.items():
            if name in self.fields:
                self.add_error(name, errors)
            else:
                rest[name] = errors
        return ValidationError(rest)

    @property
    def fieldsets(self) -> list[ServiceFieldset]:
        sets = []
        for service_id, fields in self.fields_by_service.items():
            if service_id == self.service_id:
                form: forms.Form = self
            else:
                form = forms.Form()
                form.fields = {field_key(field): form_field(field) for field in fields}
            sets.append(
                ServiceFieldset(
                    service_id=service_id,
                    service_name=fields[0].service.name,
                    fields=[form[field_key(field)] for field in fields],
                    shown=service_id == self.service_id,
                )
            )
        return sets

    @property
    def chosen_service_name(self) -> str:
        asked = self.fields_by_service.get(self.service_id or 0, [])
        return asked[0].service.name if asked else ""


def followers_card(user: User, ticket: Ticket, form: FollowersForm | None = None) -> dict:
    """What the Seguidores card (tickets/partials/followers_card.html) shows, on the
    client's and the team's request pages."""
    following = followers_of(ticket)
    return {
        "followers": following,
        "is_following": any(person.pk == user.pk for person in following),
        "followers_form": form or FollowersForm(candidates=follower_candidates(ticket, user)),
    }
