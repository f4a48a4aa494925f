from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    """A client of the agency. Its contacts see the company's tickets."""

    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="company_name_ci_unique",
                violation_error_message=_("There is already a company with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name
