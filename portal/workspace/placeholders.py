"""Placeholders in canned replies: ``{{ cliente.nome }}`` and the like, filled with the
ticket's facts when the reply is inserted.

Plain substitution of a fixed list, never template rendering: a canned reply is text an
agent typed, and must not be able to reach anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.tickets.models import Ticket

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")

# name -> (what it stands for, how to read it)
PLACEHOLDERS: dict[str, tuple[object, Callable[[Ticket, User], str]]] = {
    "cliente.nome": (_("name of the client who opened the request"), lambda t, a: t.opened_by.name),
    "cliente.primeiro_nome": (
        _("first name of the client who opened the request"),
        lambda t, a: t.opened_by.name.split()[0] if t.opened_by.name.split() else "",
    ),
    "cliente.empresa": (_("client company"), lambda t, a: t.company.name),
    "solicitacao.numero": (_("request number"), lambda t, a: str(t.number)),
    "solicitacao.assunto": (_("request subject"), lambda t, a: t.subject),
    "solicitacao.prazo": (
        _("request deadline"),
        lambda t, a: formats.date_format(t.deadline, "SHORT_DATE_FORMAT"),
    ),
    "agente.nome": (_("your name"), lambda t, a: a.name),
}


def fill_placeholders(text: str, *, ticket: Ticket, agent: User) -> str:
    """``text`` with every known placeholder replaced; unknown ones stay as typed."""

    def value(match: re.Match[str]) -> str:
        known = PLACEHOLDERS.get(match.group(1))
        return known[1](ticket, agent) if known else match.group(0)

    return _PLACEHOLDER.sub(value, text)
