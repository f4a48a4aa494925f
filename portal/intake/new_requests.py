"""What a new request opened by e-mail gets that the form would have asked for.

An e-mail carries a subject, a text and files; the department, service, priority
and Prazo come from settings (EMAIL_REQUEST_*), read at each call so that a
change of configuration (or ``override_settings``) applies at once. A default
named in the settings must exist and be active: an admin who chose one would not
want the e-mail silently filed elsewhere. Without a name, the first active entry
in the catalogue's order (as NOVA SOLICITAÇÃO lists them) is taken.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.tickets.models import CatalogEntry, Department, Priority, Service, Ticket

# "Re:", "Fwd:", "Enc:", "RES:", "TR:", "AW:", "WG:" and the like, repeated: a forwarded
# e-mail is a fine way to open a request, but its subject is what was forwarded.
_PREFIXES = re.compile(r"^(\s*(re|res|fw|fwd|enc|tr|aw|wg|rv)\s*(\[\d+\])?\s*:\s*)+", re.I)
# Another request's tag ("[#12]", of a request the sender does not see) would make the
# new request's e-mails look like that one's, and their answers land there.
_TAGS = re.compile(r"\[#\d+\]")


class DefaultsMissing(Exception):
    """The configured defaults cannot be used; the message says which, for the admins."""


@dataclass(frozen=True)
class RequestDefaults:
    department: Department
    service: Service
    priority: Priority


def _entry[T: CatalogEntry](model: type[T], name: str, missing: str, none: str) -> T:
    active = model._default_manager.filter(is_active=True).order_by(*CatalogEntry.Meta.ordering)
    name = name.strip()
    entry = active.filter(name__iexact=name).first() if name else active.first()
    if entry is None:
        raise DefaultsMissing(missing % {"name": name} if name else none)
    return entry


def request_defaults() -> RequestDefaults:
    """The department, service and priority of a request opened by e-mail; raises
    DefaultsMissing, saying which, when one cannot be used."""
    return RequestDefaults(
        department=_entry(
            Department,
            settings.EMAIL_REQUEST_DEPARTMENT,
            _("No active department is named “%(name)s” (EMAIL_REQUEST_DEPARTMENT)."),
            _("There is no active department."),
        ),
        service=_entry(
            Service,
            settings.EMAIL_REQUEST_SERVICE,
            _("No active service is named “%(name)s” (EMAIL_REQUEST_SERVICE)."),
            _("There is no active service."),
        ),
        priority=_entry(
            Priority,
            settings.EMAIL_REQUEST_PRIORITY,
            _("No active priority is named “%(name)s” (EMAIL_REQUEST_PRIORITY)."),
            _("There is no active priority."),
        ),
    )


def request_deadline(today: datetime.date | None = None) -> datetime.date:
    """The Prazo of a request opened by e-mail: EMAIL_REQUEST_DEADLINE_DAYS calendar days
    from the day it arrives (agency time); the team moves it with a reason if needed."""
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=settings.EMAIL_REQUEST_DEADLINE_DAYS)


def request_subject(subject: str) -> str:
    """The e-mail's subject as a request's: without reply and forward prefixes and
    request tags, on one line, within the field's length (empty when nothing is left)."""
    cleaned = _PREFIXES.sub("", " ".join(_TAGS.sub(" ", subject).split()))
    limit = Ticket._meta.get_field("subject").max_length or 200
    return cleaned[:limit].strip()
