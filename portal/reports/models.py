from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CompanyReportSent(models.Model):
    """A company's monthly report went out: its row claims the sending, once per
    company and month, in the transaction that queues the e-mails. A worker that
    finds the row taken (IntegrityError) knows another one sent it."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    # The first day of the month the report is about.
    month = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "month"], name="company_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.company_id}: {self.month:%Y-%m}"
