"""The monthly report e-mailed to each client company's administrators.

From the opening of the first working day of a month (``BUSINESS_DAYS``,
``BUSINESS_HOURS`` and the holidays, whether or not the clocks count working time
only), the worker e-mails the previous month's report to the active administrators of
every active company that had something in it. A worker that was down that day sends
it when it is back, until the month ends.

Each company's report is claimed by a ``CompanyReportSent`` row, unique per company
and month, inserted in the transaction that queues its e-mails: with several workers
racing, one inserts it and the others get an IntegrityError, so the e-mails go out
once. A company with no active administrator is not claimed, so one appointed later
in the month still gets the report.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from portal.commitments.calendar import working_calendar
from portal.companies.models import Company
from portal.core.periodic import periodic_job
from portal.notifications.emails import queue_email
from portal.reports.company import (
    active_in,
    build_company_report,
    company_admins,
)
from portal.reports.models import CompanyReportSent
from portal.reports.months import Month

logger = logging.getLogger(__name__)
EMAIL_KIND = "company-report"


def sending_starts(month: Month) -> datetime.datetime:
    """When the reports of the month before ``month`` go out: the opening of its first
    working day."""
    calendar = working_calendar()
    day = calendar.first_workday_from(month.first_day)
    return datetime.datetime.combine(day, calendar.opens, calendar.tz)


def month_due(now: datetime.datetime) -> Month | None:
    """The month whose reports are due at ``now`` (the previous one, once this month's
    first working day has begun), or None."""
    this_month = Month.of(timezone.localdate(now))
    return this_month.previous() if now >= sending_starts(this_month) else None


def report_url(month: Month) -> str:
    return f"{settings.PORTAL_BASE_URL}{reverse('reports:company')}?mes={month}"


def send_company_report(company: Company, month: Month) -> bool:
    """E-mail ``company``'s report of ``month`` to its active administrators, unless it
    was sent already (by this worker or another). Returns whether this call sent it."""
    report = build_company_report(company, month)
    context = {
        "company": company,
        "report": report,
        "month_start": month.first_day,
        "report_url": report_url(month),
        "preferences_url": settings.PORTAL_BASE_URL + reverse("notifications:preferences"),
    }
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = CompanyReportSent.objects.create(company=company, month=month.first_day)
        except IntegrityError:
            logger.info("The %s report of company %s was already sent", month, company.pk)
            return False
        queued = [
            admin
            for admin in company_admins(company)
            if queue_email(EMAIL_KIND, to=admin, context=context) is not None
        ]
        claim.recipients = len(queued)
        claim.save(update_fields=["recipients"])
    return True


@periodic_job(every=datetime.timedelta(minutes=15))
def send_company_reports(*, now: datetime.datetime | None = None) -> int:
    """Send the reports that are due and not sent yet; returns how many companies'."""
    month = month_due(now or timezone.now())
    if month is None:
        return 0
    sent_already = CompanyReportSent.objects.filter(company=OuterRef("pk"), month=month.first_day)
    due = (
        Company.objects.filter(is_active=True)
        .filter(Exists(company_admins(OuterRef("pk"))))
        .filter(active_in(month))
        .exclude(Exists(sent_already))
        .order_by("pk")
    )
    return sum(send_company_report(company, month) for company in due)
