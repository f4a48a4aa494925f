"""Satisfaction (CSAT): what clients answered to "Como foi o atendimento?" in a period.

A rating keeps who attended the request, its service and its company as they were when
it was given (portal.tickets.models.Rating), so the figures per agent, service and
company do not move when a request is reassigned or reclassified later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from portal.reports.figures import ReportFilters
from portal.tickets.models import Rating

SCORES = (1, 2, 3, 4, 5)
SATISFIED_FROM = 4  # a 4 or a 5 is a satisfied client (the usual CSAT share)

Dimension = Literal["agent", "service", "company"]
# What each grouping reads from a rating: the key and the name shown for it.
_DIMENSIONS: dict[str, tuple[str, str]] = {
    "agent": ("assignee_id", "assignee__name"),
    "service": ("service_id", "service__name"),
    "company": ("company_id", "company__name"),
}


@dataclass(frozen=True)
class Satisfaction:
    """How many ratings gave each score, from 1 to 5, and what follows from that."""

    distribution: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def average(self) -> float | None:
        if not self.count:
            return None
        total = sum(score * n for score, n in zip(SCORES, self.distribution, strict=True))
        return round(total / self.count, 2)

    @property
    def satisfied(self) -> int:
        return sum(
            n for score, n in zip(SCORES, self.distribution, strict=True) if score >= SATISFIED_FROM
        )

    @property
    def satisfied_percent(self) -> float | None:
        """The share of ratings of 4 or 5, in percent."""
        return round(100 * self.satisfied / self.count, 1) if self.count else None

    def by_score(self) -> list[tuple[int, int]]:
        """(score, how many), from 5 down to 1: the order a distribution is read."""
        return list(zip(SCORES, self.distribution, strict=True))[::-1]


@dataclass(frozen=True)
class SatisfactionRow:
    """The satisfaction of one agent, service or company."""

    key: int | None
    name: str
    figures: Satisfaction


def ratings_in(filters: ReportFilters) -> QuerySet[Rating]:
    """The ratings given in the period. The report's filters apply to what the rating
    recorded (its service, who attended, its company); the department is the request's."""
    first, after = filters.bounds()
    ratings = Rating.objects.filter(created_at__gte=first, created_at__lt=after)
    if filters.department_id:
        ratings = ratings.filter(ticket__department_id=filters.department_id)
    if filters.service_id:
        ratings = ratings.filter(service_id=filters.service_id)
    if filters.agent_id:
        ratings = ratings.filter(assignee_id=filters.agent_id)
    if filters.company_id:
        ratings = ratings.filter(company_id=filters.company_id)
    return ratings


def _distribution(counts: dict[int, int]) -> tuple[int, int, int, int, int]:
    a, b, c, d, e = (counts.get(score, 0) for score in SCORES)
    return (a, b, c, d, e)


def satisfaction(ratings: QuerySet[Rating]) -> Satisfaction:
    """All of ``ratings`` together (one query)."""
    rows = ratings.values("score").annotate(n=Count("*")).order_by()
    return Satisfaction(_distribution({row["score"]: row["n"] for row in rows}))


def satisfaction_by(ratings: QuerySet[Rating], dimension: Dimension) -> list[SatisfactionRow]:
    """``ratings`` per agent, service or company (one query), by name; the ratings of
    requests nobody attended come last, as "Nobody"."""
    key_field, name_field = _DIMENSIONS[dimension]
    rows = ratings.values(key_field, name_field, "score").annotate(n=Count("*")).order_by()
    counts: dict[int | None, dict[int, int]] = {}
    names: dict[int | None, str] = {}
    for row in rows:
        key = row[key_field]
        counts.setdefault(key, {})[row["score"]] = row["n"]
        names[key] = row[name_field] or ""
    result = [
        SatisfactionRow(
            key=key,
            name=_("Nobody") if key is None else names[key],
            figures=Satisfaction(_distribution(by_score)),
        )
        for key, by_score in counts.items()
    ]
    return sorted(result, key=lambda row: (row.key is None, row.name.casefold(), row.key or 0))


@dataclass(frozen=True)
class SatisfactionReport:
    """The commitments report's satisfaction: overall, and per agent, service and company."""

    overall: Satisfaction
    by_agent: list[SatisfactionRow]
    by_service: list[SatisfactionRow]
    by_company: list[SatisfactionRow]

    def groups(self) -> list[tuple[str, list[SatisfactionRow]]]:
        """Each grouping with its title, in the language of the page."""
        return [
            (_("Per agent"), self.by_agent),
            (_("Per service"), self.by_service),
            (_("Per company"), self.by_company),
        ]

    def csv_rows(self) -> list[dict]:
        groups = [("all", [SatisfactionRow(None, "", self.overall)])]
        groups += [
            ("agent", self.by_agent),
            ("service", self.by_service),
            ("company", self.by_company),
        ]
        return [_csv_row(dimension, row) for dimension, rows in groups for row in rows]


def _csv_row(dimension: str, row: SatisfactionRow) -> dict:
    figures = row.figures
    return {
        "dimension": dimension,
        "name": row.name,
        "ratings": figures.count,
        "average": "" if figures.average is None else figures.average,
        "satisfied_percent": "" if figures.satisfied_percent is None else figures.satisfied_percent,
        **{f"score_{score}": n for score, n in zip(SCORES, figures.distribution, strict=True)},
    }


def satisfaction_report(filters: ReportFilters) -> SatisfactionReport:
    """Four queries, whatever the number of ratings."""
    ratings = ratings_in(filters)
    return SatisfactionReport(
        overall=satisfaction(ratings),
        by_agent=satisfaction_by(ratings, "agent"),
        by_service=satisfaction_by(ratings, "service"),
        by_company=satisfaction_by(ratings, "company"),
    )
