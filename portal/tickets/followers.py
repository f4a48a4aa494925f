"""Seguidores: colleagues (and team members) copied on a request.

A follower hears about the request like its participants; a contact narrowed to their
own requests sees the ones they follow (models.seen_by_contact). Only people who may
follow it are ever added: contacts of the request's company and the agency's staff.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.tickets.models import Follower, Ticket


def may_follow(ticket: Ticket, person: User) -> bool:
    """Active staff, or an active contact of the ticket's company."""
    if not person.is_active:
        return False
    return person.is_agency_staff or (person.is_contact and person.company_id == ticket.company_id)


def follower_candidates(ticket: Ticket, actor: User) -> QuerySet[User]:
    """Whom ``actor`` may add as followers: a contact, their company's colleagues; staff,
    the client's contacts and the team."""
    contacts = User.objects.contacts().active().filter(company_id=ticket.company_id)
    if actor.is_agency_staff:
        return (contacts | User.objects.staff().active()).order_by("name", "pk")
    return contacts.exclude(pk=actor.pk).order_by("name", "pk")


def colleagues_of(author: User) -> QuerySet[User]:
    """Whom a contact opening a request may copy on it."""
    return (
        User.objects.contacts()
        .active()
        .filter(company_id=author.company_id)
        .exclude(pk=author.pk)
        .order_by("name", "pk")
    )


def _check_actor(ticket: Ticket, actor: User) -> None:
    if actor.is_agency_staff:
        return
    if not Ticket.objects.visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied("Only who sees a request adds followers to it.")


@transaction.atomic
def ticket_add_followers(*, ticket: Ticket, actor: User, people: Iterable[User]) -> list[User]:
    """Copy ``people`` on the ticket; returns those newly added. Anyone who may not
    follow it (another company's contact, someone inactive) refuses the whole call."""
    _check_actor(ticket, actor)
    people = list(people)
    refused = [person for person in people if not may_follow(ticket, person)]
    if refused or (actor.is_contact and any(p.is_agency_staff for p in people)):
        raise ValidationError({"followers": _("Only colleagues of this company can follow it.")})
    already = set(Follower.objects.filter(ticket=ticket).values_list("user_id", flat=True))
    added = [person for person in people if person.pk not in already]
    Follower.objects.bulk_create(
        [Follower(ticket=ticket, user=person, added_by=actor) for person in added],
        ignore_conflicts=True,  # a colleague adding the same person at the same moment
    )
    return added


def ticket_follow(*, ticket: Ticket, actor: User) -> None:
    """Seguir: the actor follows a ticket they can see."""
    if not may_follow(ticket, actor):
        raise PermissionDenied("Only the client's contacts and the team follow a request.")
    ticket_add_followers(ticket=ticket, actor=actor, people=[actor])


def ticket_unfollow(*, ticket: Ticket, actor: User) -> None:
    """Deixar de seguir (a contact narrowed to their own then no longer sees it, unless
    they opened it)."""
    Follower.objects.filter(ticket=ticket, user=actor).delete()


def ticket_remove_follower(*, ticket: Ticket, actor: User, person: User) -> None:
    """Staff take someone off a ticket's followers (anyone may remove themselves)."""
    if person != actor and not actor.is_agency_staff:
        raise PermissionDenied("Only the team removes other followers.")
    Follower.objects.filter(ticket=ticket, user=person).delete()


def followers_of(ticket: Ticket) -> list[User]:
    return [f.user for f in Follower.objects.filter(ticket=ticket).select_related("user")]
