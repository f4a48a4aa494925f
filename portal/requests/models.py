from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class CatalogEntry(models.Model):
    """Reference data that admins manage: shown in choice lists by position."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Department(CatalogEntry):
    """Departamento: Atendimento or Financeiro by default."""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="department_name_ci_unique",
                violation_error_message=_("This name is already in use."),
            )
        ]


class Service(CatalogEntry):
    """Serviços: Redes Sociais, Atualização / Website, Design Gráfico, …"""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="service_name_ci_unique",
                violation_error_message=_("This name is already in use."),
            )
        ]


class Priority(CatalogEntry):
    """Prioridade: the higher the position, the more urgent."""

    class Meta(CatalogEntry.Meta):
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="priority_name_ci_unique",
                violation_error_message=_("This name is already in use."),
            )
        ]
