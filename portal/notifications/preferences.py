"""Which kinds of e-mail exist, who can turn which off, and what each person turned off."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.notifications.models import Channel, CompanyWideNews, EmailOptOut
from portal.notifications.people import Recipient


@dataclass(frozen=True)
class Kind:
    key: str  # the e-mail's templates are emails/<key>-subject.txt, -body.txt, -body.html
    label: Promise


# About access and passwords: always sent, never listed on the preferences page.
ALWAYS_SENT = frozenset({"access", "password-reset"})

CLIENT_KINDS = (
    Kind("request-opened", _("Confirmation of each request opened")),
    Kind("request-answer", _("A new answer from the team")),
    Kind("request-status", _("A change of status")),
    Kind("request-classified", _("A change of department, service or priority")),
    Kind("request-deadline", _("A new deadline proposed or agreed, with its reason")),
    Kind("request-overdue", _("A deadline that passed with no new date agreed")),
    Kind("request-assigned", _("Who is attending a request")),
    Kind("request-meeting", _("Meetings: times proposed, invitations, cancellations")),
    Kind("request-done", _("A request concluded, waiting for your confirmation")),
    Kind("request-closing", _("A concluded request about to close, or closed, by itself")),
    Kind("request-reopened", _("A colleague reopening a request")),
    Kind("request-confirmed", _("A colleague confirming a request is done")),
    Kind("answer-refused", _("An answer sent by e-mail that could not be added")),
    Kind("company-report", _("The company's monthly report (company administrators)")),
)
STAFF_KINDS = (
    Kind("staff-new-request", _("A new request for you or your department")),
    Kind("staff-client-answer", _("A client's answer")),
    Kind("staff-assigned", _("A request assigned to you, or taken off you")),
    Kind("staff-request-changed", _("A colleague's change to a request you attend")),
    Kind("staff-deadline-answer", _("A client's answer to a proposed deadline")),
    Kind("staff-meeting", _("Meetings: invitations, other times asked, cancellations")),
    Kind("staff-reopened", _("A client reopening a request")),
    Kind("staff-client-confirmed", _("A client's confirmation")),
    Kind("staff-closed", _("A request of yours that closed by itself")),
    Kind("commitment-warning", _("A commitment about to run out, or missed")),
    Kind("answer-refused", _("An answer sent by e-mail that could not be added")),
)


# Only a company's administrators receive these.
COMPANY_ADMIN_KINDS = frozenset({"company-report"})


def kinds_for(user: Recipient) -> tuple[Kind, ...]:
    """The kinds of news this person may receive, so the ones they may turn off."""
    if user.is_agency_staff:
        return STAFF_KINDS
    if getattr(user, "is_company_admin", False):
        return CLIENT_KINDS
    return tuple(kind for kind in CLIENT_KINDS if kind.key not in COMPANY_ADMIN_KINDS)


def disabled_kinds(user: Recipient, channel: str = Channel.EMAIL) -> set[str]:
    # A Recipient is a user seen without its model (people.py): the queries go by its key.
    opted_out = EmailOptOut.objects.filter(user_id=user.pk, channel=channel)
    return set(opted_out.values_list("kind", flat=True))


def turned_off(user: Recipient, kind: str, channel: str = Channel.EMAIL) -> bool:
    """Whether ``user`` chose not to receive ``kind`` on ``channel`` (never so for the
    e-mails about access and passwords)."""
    if kind in ALWAYS_SENT:
        return False
    return EmailOptOut.objects.filter(user_id=user.pk, kind=kind, channel=channel).exists()


def offers_company_wide(user: Recipient) -> bool:
    """Client contacts choose whether they hear about all their company's requests; the
    team hears about what it attends or follows, as ever."""
    return not user.is_agency_staff


def hears_company_wide(user: Recipient) -> bool:
    """Whether ``user`` chose "Todas as solicitações da empresa" (off for everyone new)."""
    return CompanyWideNews.objects.filter(user_id=user.pk).exists()


@transaction.atomic
def preferences_save(
    *,
    user: Recipient,
    enabled: Iterable[str],
    enabled_portal: Iterable[str] | None = None,
    company_wide: bool | None = None,
) -> None:
    """Keep ``enabled`` on by e-mail (and ``enabled_portal`` in the portal, when given)
    and turn every other kind this person may receive off on that channel; with
    ``company_wide``, a contact hears about every request of their company (True) or
    only the ones they opened, follow or wrote on (False)."""
    _save_channel(user, Channel.EMAIL, enabled)
    if enabled_portal is not None:
        _save_channel(user, Channel.PORTAL, enabled_portal)
    if company_wide is not None and offers_company_wide(user):
        if company_wide:
            CompanyWideNews.objects.get_or_create(user_id=user.pk)
        else:
            CompanyWideNews.objects.filter(user_id=user.pk).delete()


def _save_channel(user: Recipient, channel: str, enabled: Iterable[str]) -> None:
    offered = {kind.key for kind in kinds_for(user)}
    off = offered - set(enabled)
    mine = EmailOptOut.objects.filter(user_id=user.pk, channel=channel)
    mine.filter(kind__in=offered - off).delete()
    existing = disabled_kinds(user, channel)
    EmailOptOut.objects.bulk_create(
        [
            EmailOptOut(user_id=user.pk, kind=kind, channel=channel)
            for kind in sorted(off - existing)
        ]
    )
