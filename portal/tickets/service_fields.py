"""Intake per service: the extra fields a service asks on NOVA SOLICITAÇÃO, and the one
check of their answers.

The form draws each field with ``form_field`` and ``ticket_open`` checks the answers
again with ``check_answers``, which cleans them with those same form fields: the page,
the API and the e-mail intake share one rule (required fields, the value each kind
accepts, a choice list's options). A ticket keeps a copy of each answer with the field's
label and kind (``TicketFieldAnswer``), so old requests read the same whatever later
happens to the field.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.lib.dates import DATE_HELP, DayMonthYearField
from portal.tickets.models import Service, ServiceField, Ticket, TicketFieldAnswer

Kind = ServiceField.Kind

# The longest answer each kind of text takes.
TEXT_MAX_LENGTH = 200
LONG_TEXT_MAX_LENGTH = 5000
URL_MAX_LENGTH = 500
YES, NO = "yes", "no"


def field_key(field: ServiceField) -> str:
    """The field's name in a form, and the key of its errors."""
    return f"field_{field.pk}"


def fields_by_service() -> dict[int, list[ServiceField]]:
    """The active fields of every active service, in order, by service id (one query):
    NOVA SOLICITAÇÃO draws them all, and shows those of the service chosen."""
    grouped: dict[int, list[ServiceField]] = {}
    active = ServiceField.objects.filter(is_active=True, service__is_active=True)
    for field in active.select_related("service").order_by("service", "position", "pk"):
        grouped.setdefault(field.service_id, []).append(field)
    return grouped


def form_field(field: ServiceField) -> forms.Field:
    """The form field that asks ``field``, and that cleans its answer wherever it comes from."""
    common: dict[str, Any] = {
        "label": field.label,
        "required": field.required,
        # Escaped here: the field template shows help texts as HTML (ours may hold links).
        "help_text": escape(field.help_text),
    }
    if field.kind == Kind.LONG_TEXT:
        return forms.CharField(
            max_length=LONG_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if field.kind == Kind.URL:
        return forms.URLField(max_length=URL_MAX_LENGTH, assume_scheme="https", **common)
    if field.kind == Kind.DATE:
        # dd/mm/aaaa in any browser, like the Prazo; the admin's help, else the format's.
        return DayMonthYearField(**{**common, "help_text": common["help_text"] or DATE_HELP})
    if field.kind == Kind.NUMBER:
        number_input = forms.NumberInput(attrs={"step": "any"})
        return forms.DecimalField(max_digits=20, decimal_places=6, widget=number_input, **common)
    if field.kind == Kind.CHOICE:
        options = [(option, option) for option in field.options()]
        return forms.ChoiceField(choices=[("", gettext_lazy("Choose…")), *options], **common)
    if field.kind == Kind.YES_NO:
        choices = [(YES, gettext_lazy("Yes")), (NO, gettext_lazy("No"))]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    return forms.CharField(max_length=TEXT_MAX_LENGTH, **common)


def _as_text(value: Any) -> str:
    """A cleaned answer as it is kept: dates as YYYY-MM-DD, numbers with a dot."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value).strip()


def _raw(field: ServiceField, value: Any) -> Any:
    # An API may say yes or no with a boolean.
    if field.kind == Kind.YES_NO and isinstance(value, bool):
        return YES if value else NO
    return value


def check_answers(service: Service, answers: Mapping[int, Any]) -> list[TicketFieldAnswer]:
    """The answers to ``service``'s active fields (by field id), checked and ready to be
    kept with a ticket; empty optional answers are left out.

    Raises a ValidationError naming each field (``field_key``) whose answer is missing or
    wrong, and ``answers`` when an id is not one of the service's active fields.
    """
    fields = list(ServiceField.objects.filter(service=service, is_active=True))
    errors: dict[str, list[ValidationError]] = {}
    unknown = set(answers) - {field.pk for field in fields}
    if unknown:
        errors["answers"] = [
            ValidationError(
                _("The service “%(service)s” does not ask for these fields: %(ids)s."),
                code="unknown_field",
                params={"service": service.name, "ids": ", ".join(map(str, sorted(unknown)))},
            )
        ]
    checked = []
    for position, field in enumerate(fields):
        try:
            value = form_field(field).clean(_raw(field, answers.get(field.pk)))
        except ValidationError as error:
            errors[field_key(field)] = error.error_list
            continue
        if text := _as_text(value):
            checked.append(
                TicketFieldAnswer(
                    field=field, label=field.label, kind=field.kind, value=text, position=position
                )
            )
    if errors:
        raise ValidationError(errors)
    return checked


def save_answers(ticket: Ticket, answers: Iterable[TicketFieldAnswer]) -> None:
    """Keep the checked answers with the ticket just opened (one INSERT, none if empty)."""
    rows = list(answers)
    for answer in rows:
        answer.ticket = ticket
    TicketFieldAnswer.objects.bulk_create(rows)


def answers_of(ticket: Ticket) -> Sequence[TicketFieldAnswer]:
    """What the client answered when opening ``ticket``, in the order it was asked (one
    query); clients and staff see the same."""
    return list(TicketFieldAnswer.objects.filter(ticket=ticket).order_by("position", "pk"))
