from __future__ import annotations

import datetime
from typing import cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import StaffChoiceField, staff_members
from portal.accounts.models import User
from portal.companies.models import Company
from portal.lib.dates import DayMonthYearField, DayMonthYearInput
from portal.lib.text import Phrase
from portal.tickets.forms import AttachmentsField, attachments_help
from portal.tickets.meetings import MAX_SLOTS, Slot
from portal.tickets.models import (
    Department,
    Priority,
    Service,
    Status,
    Ticket,
    check_deadline,
    latest_deadline,
    staff_choosable,
    staff_targets,
)
from portal.workspace.models import CannedReply
from portal.workspace.placeholders import PLACEHOLDERS
from portal.workspace.selectors import UNFINISHED

SORT_CHOICES = [
    ("due", _("Next commitment due")),
    ("activity", _("Last activity")),
    ("deadline", _("Deadline (soonest first)")),
    ("priority", _("Priority (most urgent first)")),
    ("number", _("Number (newest first)")),
]


QUEUE_DEFAULTS = {"status": UNFINISHED, "sort": "due"}


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the URL. Invalid values are ignored, not errors."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), (UNFINISHED, _("Unfinished")), *Status.choices],
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
    # A name typed (or picked from the suggestions of company_suggestions, by companies.js):
    # never a select of every client company on every page.
    company = forms.ModelChoiceField(
        required=False, queryset=Company.objects.all(), widget=forms.HiddenInput
    )
    company_name = forms.CharField(
        label=_("Company"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": _("All"), "role": "combobox"}
        ),
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
        self.staff = list(staff_members())
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody (unassigned)")),
        ] + [(str(user.pk), user.name) for user in self.staff]

    def filters(self) -> dict:
        """The valid filters only; anything that did not validate is dropped. A company
        picked by its id is shown by its name; a name alone filters by name."""
        self.is_valid()
        chosen = {name: value for name, value in self.cleaned_data.items() if value}
        company = chosen.get("company")
        if company is not None:
            chosen.pop("company_name", None)
            if self.data.get("company_name") != company.name:
                shown = cast(QueryDict, self.data).copy()
                shown["company_name"] = company.name
                self.data = shown
        return chosen

    @classmethod
    def from_url(cls, query: QueryDict) -> QueueFilterForm:
        """The queue opens on what is left to do, the next commitment due first; once
        any filter is chosen, the URL says everything (``status=`` empty is "all")."""
        if not any(name in query for name in cls.base_fields):
            query = query.copy()
            query.update(QUEUE_DEFAULTS)
        return cls(query)


class StaffAnswerForm(forms.Form):
    """The staff composer: an answer or an internal note, the status and who attends,
    sent together (tickets.services.ticket_respond). Status and person are compared with
    what the page showed, so leaving them alone never undoes a colleague's change."""

    body = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    internal = forms.BooleanField(label=_("Internal note (only the team sees it)"), required=False)
    attachments = AttachmentsField(label=_("Attach file"))
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, required=False)
    seen = forms.ChoiceField(choices=Status.choices, required=False, widget=forms.HiddenInput)
    assignee = StaffChoiceField(
        label=_("Attended by"), required=False, queryset=User.objects.none(),
        empty_label=_("Nobody"),
    )  # fmt: skip
    seen_assignee = forms.CharField(required=False, widget=forms.HiddenInput)
    # The last message and event the page showed ("m12e40"): what others did after it is
    # shown before anything is applied, and sending again (confirmed) applies it.
    seen_version = forms.CharField(required=False, widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, ticket: Ticket | None = None, version: str = "", **kwargs) -> None:
        if ticket is not None and not kwargs.get("data") and not (args and args[0]):
            kwargs["initial"] = {
                "status": ticket.status,
                "seen": ticket.status,
                "assignee": ticket.assignee_id,
                "seen_assignee": ticket.assignee_id or "",
                "seen_version": version,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()
        cast(StaffChoiceField, self.fields["assignee"]).queryset = staff_members()
        if ticket is not None and not self.is_bound:
            cast(forms.ChoiceField, self.fields["status"]).choices = staff_targets(ticket)

    def changes(self) -> dict:
        """What the agent asked for, as ticket_respond's arguments: a status or a person
        left as the page showed them is no change."""
        data = self.cleaned_data
        changes: dict = {
            "body": data["body"],
            "internal": data["internal"],
            "files": data["attachments"],
        }
        if data.get("status") and data["status"] != data.get("seen"):
            changes["status"] = data["status"]
            changes["seen_status"] = data.get("seen") or None
        if "assignee" in self.data and "take" not in self.data:
            chosen = data.get("assignee")
            seen = data.get("seen_assignee") or ""
            if str(chosen.pk if chosen else "") != seen:
                changes["assignee"] = chosen
                changes["seen_assignee_id"] = int(seen) if seen.isdigit() else None
        return changes

    def seen_assignee_id(self) -> int | None:
        seen = self.cleaned_data.get("seen_assignee") or ""
        return int(seen) if seen.isdigit() else None

    @classmethod
    def rebased(cls, form: StaffAnswerForm, ticket: Ticket, version: str) -> StaffAnswerForm:
        """The same submission, to be confirmed over what others changed meanwhile: a
        status or person the agent left alone follows the ticket's current one; one the
        agent chose stays chosen."""
        data = cast(QueryDict, form.data).copy()
        if data.get("status", "") == data.get("seen", ""):
            data["status"] = ticket.status
        if data.get("assignee", "") == data.get("seen_assignee", ""):
            data["assignee"] = str(ticket.assignee_id or "")
        data["seen"] = ticket.status
        data["seen_assignee"] = str(ticket.assignee_id or "")
        data["seen_version"] = version
        data["confirmed"] = "on"
        rebased = cls(data, form.files)
        rebased.is_valid()
        return rebased


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=_("Attended by"), required=False, queryset=User.objects.none(),
        empty_label=_("Nobody"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["assignee"]).queryset = staff_members()


class StatusForm(forms.Form):
    """The statuses the lifecycle lets an agent choose from the ticket's current one."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    # The status the agent saw when the page was drawn: a change made by someone else
    # meanwhile is not silently overwritten.
    seen = forms.ChoiceField(choices=Status.choices, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, ticket: Ticket | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if ticket is not None and not self.is_bound:
            cast(forms.ChoiceField, self.fields["status"]).choices = staff_targets(ticket)


class ProposalForm(forms.Form):
    """Propor novo prazo: the client accepts or refuses it."""

    deadline = DayMonthYearField(label=_("New deadline"))
    reason = forms.CharField(
        label=_("Reason (the client sees it)"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].widget.attrs["data-min"] = timezone.localdate().isoformat()
        self.fields["deadline"].widget.attrs["data-max"] = latest_deadline().isoformat()

    def clean_deadline(self) -> datetime.date:
        deadline: datetime.date = self.cleaned_data["deadline"]
        check_deadline(deadline)
        return deadline


# Phrase: worded when the page is drawn, in its language (a "%" on a lazy text would
# translate it once, at import).
DURATION_CHOICES = [
    (minutes, Phrase(_("%(minutes)s min"), minutes=minutes))
    for minutes in (15, 30, 45, 60, 90, 120)
]


class MeetingForm(forms.Form):
    """Propor reunião: one to three times (day, start, duration), where, and a note."""

    place = forms.CharField(label=_("Place or video link"), max_length=500)
    note = forms.CharField(
        label=_("Note for the client"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for index in range(1, MAX_SLOTS + 1):
            required = index == 1
            self.fields[f"day_{index}"] = DayMonthYearField(
                label=_("Day"),
                required=required,
                help_text="",  # the placeholder says dd/mm/aaaa; one help per row is too much
                widget=DayMonthYearInput(attrs={"data-min": timezone.localdate().isoformat()}),
            )
            self.fields[f"start_{index}"] = forms.TimeField(
                label=_("Start"),
                required=required,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"minutes_{index}"] = forms.TypedChoiceField(
                label=_("Duration"),
                choices=DURATION_CHOICES,
                coerce=int,
                initial=60,
                required=required,
            )

    def slot_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"day_{index}"], self[f"start_{index}"], self[f"minutes_{index}"])
            for index in range(1, MAX_SLOTS + 1)
        ]

    def clean(self) -> dict:
        data = super().clean() or {}
        slots = []
        for index in range(1, MAX_SLOTS + 1):
            day, start = data.get(f"day_{index}"), data.get(f"start_{index}")
            if day and start:
                starts_at = timezone.make_aware(datetime.datetime.combine(day, start))
                slots.append(Slot(starts_at=starts_at, minutes=data.get(f"minutes_{index}") or 60))
            elif day or start:
                self.add_error(f"start_{index}" if day else f"day_{index}",
                               _("Give both the day and the start."))  # fmt: skip
        data["slots"] = slots
        return data


class MeetingNotesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Meeting notes (the client sees them)"), widget=forms.Textarea(attrs={"rows": 4})
    )


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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Worded now, in the page's language: the form is built for each request.
        self.fields["body"].help_text = str(
            Phrase(
                _("Placeholders, filled in when the reply is inserted: %(list)s."),
                list=", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS),
            )
        )


KEEP = ""
NOBODY = "none"


class BulkForm(forms.Form):
    """Em lote: the rows chosen in the queue (or every row of its filter) and what to do
    to them: a status, who attends, a member of the team to follow them."""

    numbers = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])
    whole_filter = forms.BooleanField(required=False)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), required=False)
    assignee = forms.ChoiceField(label=_("Attended by"), required=False)
    follower = forms.TypedChoiceField(
        label=_("Add a follower from the team"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, staff: list[User] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The queue's filter form read the team already: the page reads it once.
        staff = list(staff_members()) if staff is None else staff
        choosable = staff_choosable()
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            (KEEP, _("— keep —")),
            # What the lifecycle lets an agent choose by hand (never ABERTA; STAND BY
            # only with a meeting); each row's own move is checked when applied.
            *[(value, label) for value, label in Status.choices if value in choosable],
        ]
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            (KEEP, _("— keep —")),
            (NOBODY, _("Nobody")),
            *[(str(person.pk), person.name) for person in staff],
        ]
        cast(forms.ChoiceField, self.fields["follower"]).choices = [
            (KEEP, _("— keep —")),
            *[(str(person.pk), person.name) for person in staff],
        ]
        numbers = self.data.getlist("numbers") if hasattr(self.data, "getlist") else []
        cast(forms.ChoiceField, self.fields["numbers"]).choices = [
            (n, n) for n in numbers if str(n).isdigit()
        ]

    def clean(self) -> dict:
        data = super().clean() or {}
        if not (data.get("numbers") or data.get("whole_filter")):
            raise forms.ValidationError(_("Choose the requests to change."))
        if not (data.get("status") or data.get("assignee") or data.get("follower")):
            raise forms.ValidationError(
                _("Choose what to change: the status, who attends, or a follower.")
            )
        return data

    def chosen_follower(self, people: dict[int, User]) -> User | None:
        chosen = self.cleaned_data.get("follower")
        return people.get(chosen) if chosen else None

    def assignee_change(self, people: dict[int, User]) -> tuple[bool, User | None]:
        chosen = self.cleaned_data.get("assignee") or KEEP
        if chosen == KEEP:
            return False, None
        if chosen == NOBODY:
            return True, None
        return True, people.get(int(chosen))
