"""Filters for e-mails: what a person typed, shown safely and readably in any mail client."""

from __future__ import annotations

import re

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# An http(s) address in text already escaped: it ends at a space or at what escaping
# made of a quote or an angle bracket, and leaves out the punctuation that closes a
# sentence. Only these two schemes: "javascript:" or "data:" never become links.
_URL = re.compile(r"\bhttps?://(?:(?!&(?:lt|gt|quot|#x27);)[^\s<>\"'])+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"
# Inline, as mail clients drop style sheets: a long address breaks anywhere rather
# than making the message wider than a phone.
LINK_STYLE = "color:inherit;word-break:break-all;overflow-wrap:anywhere;"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        url, tail = url[:-1], url[-1] + tail
    if url.lower().rstrip("/") in {"http:", "https:"}:
        return match.group(0)
    return f'<a href="{url}" style="{LINK_STYLE}" rel="noopener noreferrer">{url}</a>{tail}'


@register.filter
def email_text(text: str) -> SafeString:
    """User text for an e-mail's HTML: escaped first, then its http(s) addresses made
    links, its line breaks kept."""
    linked = _URL.sub(_link, escape(text or ""))
    return mark_safe(linebreaksbr(linked, autoescape=False))  # noqa: S308 - escaped above
