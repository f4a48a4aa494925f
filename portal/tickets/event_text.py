"""What a timeline event says, as one sentence of HTML, in the page's language.

Built in Python instead of a template per event: a request with a long history rendered
one template (and a dozen translation tags) per event, which cost more than the rest of
the page. The sentences are the same msgids as before (``%(actor)s …``), so the pt-BR
catalogue keeps them; every value from the event is escaped.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from portal.tickets.models import Event, Status


def _say(message: str, **values: Any) -> SafeString:
    """A translated sentence with its values escaped (the sentence itself is ours)."""
    escaped = {name: conditional_escape(value) for name, value in values.items()}
    return mark_safe(gettext(message) % escaped)  # noqa: S308 - every value is escaped


def _status(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


def _short_date(value: Any) -> str:
    try:
        return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value or "")


def _short_datetime(value: Any) -> str:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value or "")
    from django.utils import timezone

    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "SHORT_DATETIME_FORMAT")


def _quoted(value: Any) -> SafeString:
    return mark_safe(f": “{conditional_escape(value)}”") if value else mark_safe("")  # noqa: S308


def _opened(actor: str, data: dict) -> SafeString:
    text: str = _say("%(actor)s opened the request", actor=actor)
    if data.get("continues"):
        text += " " + _say("(continues #%(number)s)", number=data["continues"])
    return mark_safe(text)  # noqa: S308 - built from escaped pieces


def _assigned(actor: str, data: dict) -> SafeString:
    if data.get("to"):
        return _say("%(actor)s assigned the request to %(name)s", actor=actor, name=data["to"])
    return _say("%(actor)s removed the assignment", actor=actor)


def _classified(actor: str, data: dict) -> SafeString:
    changes = "; ".join(
        f"{conditional_escape(change.get('from'))} → {conditional_escape(change.get('to'))}"
        for change in (data.get("changes") or {}).values()
    )
    return mark_safe(_say("%(actor)s changed the classification", actor=actor) + ": " + changes)  # noqa: S308


def _confirmed(actor: str, data: dict) -> SafeString:
    text: str = _say("%(actor)s confirmed the request was done; it is closed", actor=actor)
    if score := data.get("score"):
        label = _say("Rated %(score)s out of 5", score=score)
        given = _say("rating %(score)s/5", score=score)
        text += mark_safe(f' · <span class="rating-given" aria-label="{label}">{given}</span>')  # noqa: S308
        text += _quoted(data.get("comment"))
    return mark_safe(text)  # noqa: S308 - built from escaped pieces


def _deadline_accepted(actor: str, data: dict) -> SafeString:
    text: str = _say(
        "%(actor)s accepted the new deadline: %(new)s", actor=actor, new=_short_date(data.get("to"))
    )
    if data.get("from"):
        text += " " + _say("(it was %(old)s)", old=_short_date(data["from"]))
    return mark_safe(text)  # noqa: S308 - built from escaped pieces


def _meeting_held(actor: str, data: dict) -> SafeString:
    text: str = _say("%(actor)s recorded the meeting notes", actor=actor)
    if minutes := data.get("minutes"):
        notes = linebreaksbr(conditional_escape(minutes))
        text += mark_safe(f':<span class="event-notes">{notes}</span>')  # noqa: S308
    return mark_safe(text)  # noqa: S308 - built from escaped pieces


_SENTENCES: dict[str, Callable[[str, dict], SafeString]] = {
    Event.Kind.OPENED: _opened,
    Event.Kind.STATUS_CHANGED: lambda actor, data: _say(
        "%(actor)s changed the status from %(old)s to %(new)s",
        actor=actor,
        old=_status(data.get("from", "")),
        new=_status(data.get("to", "")),
    ),
    Event.Kind.ASSIGNED: _assigned,
    Event.Kind.DEADLINE_CHANGED: lambda actor, data: (
        _say(
            "%(actor)s changed the deadline from %(old)s to %(new)s",
            actor=actor,
            old=_short_date(data.get("from")),
            new=_short_date(data.get("to")),
        )
        + _quoted(data.get("reason"))
    ),
    Event.Kind.CLASSIFIED: _classified,
    Event.Kind.CONFIRMED: _confirmed,
    Event.Kind.AUTO_CLOSED: lambda actor, data: _say(
        "The request was closed automatically after the confirmation period"
    ),
    Event.Kind.REOPENED: lambda actor, data: _say("%(actor)s reopened the request", actor=actor),
    Event.Kind.OVERDUE: lambda actor, data: _say(
        "Deadline passed: our team will tell you a new date"
    ),
    Event.Kind.DEADLINE_PROPOSED: lambda actor, data: (
        _say(
            "%(actor)s proposed a new deadline: %(new)s",
            actor=actor,
            new=_short_date(data.get("to")),
        )
        + _quoted(data.get("reason"))
    ),
    Event.Kind.DEADLINE_ACCEPTED: _deadline_accepted,
    Event.Kind.DEADLINE_REFUSED: lambda actor, data: (
        _say(
            "%(actor)s refused the new deadline (%(new)s)",
            actor=actor,
            new=_short_date(data.get("to")),
        )
        + _quoted(data.get("comment"))
    ),
    Event.Kind.MEETING_PROPOSED: lambda actor, data: _say(
        "%(actor)s proposed a meeting", actor=actor
    ),
    Event.Kind.MEETING_CONFIRMED: lambda actor, data: _say(
        "%(actor)s confirmed the meeting for %(when)s",
        actor=actor,
        when=_short_datetime(data.get("starts_at")),
    ),
    Event.Kind.MEETING_OTHER_TIMES: lambda actor, data: _say(
        "%(actor)s asked for other meeting times", actor=actor
    ),
    Event.Kind.MEETING_CANCELLED: lambda actor, data: _say(
        "%(actor)s cancelled the meeting", actor=actor
    ),
    Event.Kind.MEETING_HELD: _meeting_held,
    Event.Kind.MERGED: lambda actor, data: _say(
        "%(actor)s merged this request into #%(number)s", actor=actor, number=data.get("into")
    ),
    Event.Kind.MERGED_IN: lambda actor, data: _say(
        "%(actor)s merged request #%(number)s (%(subject)s) into this one: its messages and "
        "history are here",
        actor=actor,
        number=data.get("from"),
        subject=data.get("subject"),
    ),
}


def event_text(event: Event) -> SafeString:
    """The sentence for ``event`` (empty for a kind the timeline does not tell)."""
    sentence = _SENTENCES.get(event.kind)
    if sentence is None:
        return mark_safe("")
    actor = event.actor.name if event.actor_id and event.actor else ""
    return sentence(actor or gettext("The system"), event.data or {})
