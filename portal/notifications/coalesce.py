"""One e-mail for the events of a moment: an answer and a status change seconds apart
reach each person as one message ("Bruno respondeu e marcou como AGUARDANDO RETORNO").

A ticket e-mail is queued rendered on its own, as always, and waits
EMAIL_COALESCE_SECONDS (``send_after``). The delivery that takes it also takes every
other e-mail still waiting for the same person about the same ticket
(tasks._claim, in one transaction) and sends them as one message, built here from
their stored parts: the subject names each event in order, the lead sentence says
who did what, and the body holds each e-mail's own section, between the first one's
greeting and the last one's facts about the request (the newest). Everything is in
the recipient's language already: each part was rendered so when it was queued.

Invitations with a calendar never wait nor join (a calendar entry is its own
message), and neither do the e-mails about access and passwords.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from django.utils import translation
from django.utils.html import escape
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

# A section's bounds, marked while its body is rendered (then removed): a random
# marker per rendering, so no text a person typed can pose as one.
MARK_START, MARK_END = "section_start", "section_end"


class Parts(TypedDict, total=False):
    """What OutboundEmail.parts holds."""

    event: str  # "Nova resposta": the subject's words for it
    number: int
    title: str  # the ticket's subject
    actor: str  # who did it ("" for the system)
    action: str  # what they did, after their name ("respondeu"); "" when unsaid
    language: str
    html: list[int]  # [start, end] of its own section in body_html
    text: list[int]  # the same in body_text


@dataclass(frozen=True)
class Markers:
    start: str
    end: str

    def context(self) -> dict[str, str]:
        return {MARK_START: self.start, MARK_END: self.end}


def new_markers() -> Markers:
    nonce = secrets.token_hex(8)
    return Markers(start=f"\x00s{nonce}\x00", end=f"\x00e{nonce}\x00")


def cut(body: str, markers: Markers) -> tuple[str, list[int] | None]:
    """``body`` without the markers, and where the section between them lies (None when
    the template has no section: that e-mail is never combined)."""
    if body.count(markers.start) != 1 or body.count(markers.end) != 1:
        return body.replace(markers.start, "").replace(markers.end, ""), None
    start = body.index(markers.start)
    body = body.replace(markers.start, "")
    end = body.index(markers.end)
    return body.replace(markers.end, ""), [start, end]


@dataclass(frozen=True)
class Combined:
    subject: str
    body_text: str
    body_html: str


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def lead_sentence(parts: Sequence[Parts]) -> str:
    """ "Bruno Agente respondeu e marcou como AGUARDANDO RETORNO." — who did what, in
    order; an event nobody did (or that has no words for it) is named by its own."""
    clauses: list[tuple[str, list[str]]] = []
    for part in parts:
        actor, action = part.get("actor", ""), part.get("action", "")
        if actor and action:
            if clauses and clauses[-1][0] == actor:
                clauses[-1][1].append(action)
            else:
                clauses.append((actor, [action]))
        else:
            clauses.append(("", [part.get("event", "")]))
    said = [
        f"{actor} {get_text_list(_unique(actions), _('and'))}".strip() for actor, actions in clauses
    ]
    sentence = "; ".join(_unique(said))
    return f"{sentence[:1].upper()}{sentence[1:]}."


def _separator(html: bool) -> str:
    if html:
        return '<hr style="border:0;border-top:1px solid #e4e1ea;margin:20px 0;">'
    return "\n――――\n\n"


def _body(emails: Sequence[Any], html: bool, lead: str) -> str:
    field, key = ("body_html", "html") if html else ("body_text", "text")
    first, last = emails[0], emails[-1]
    head = getattr(first, field)[: first.parts[key][0]]
    tail = getattr(last, field)[last.parts[key][1] :]
    sections = [getattr(email, field)[slice(*email.parts[key])] for email in emails]
    opening = f"<p><strong>{escape(lead)}</strong></p>" if html else f"{lead}\n\n"
    return head + opening + _separator(html).join(sections) + tail


def combine(emails: Sequence[Any]) -> Combined:
    """The one message for ``emails`` (OutboundEmails of one person and ticket, in the
    order they were queued, each with its parts)."""
    parts: list[Parts] = [email.parts for email in emails]
    first = parts[0]
    with translation.override(first.get("language") or None):
        events = get_text_list(_unique([part.get("event", "") for part in parts]), _("and"))
        lead = lead_sentence(parts)
    subject = " ".join(f"[#{first['number']}] {events} — {parts[-1]['title']}".split())
    return Combined(
        subject=subject[:255],
        body_text=_body(emails, html=False, lead=lead),
        body_html=_body(emails, html=True, lead=lead),
    )
