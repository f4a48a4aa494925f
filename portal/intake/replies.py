"""What a person wrote in an e-mail answer, without the quoted e-mail and the signature.

Mail clients quote the message being answered below a header line ("Em …,
Fulano escreveu:", "On … wrote:", Outlook's "De:/Enviado:/Para:/Assunto:"
block) and add signatures ("-- ", "Enviado do meu iPhone"). The answer is what
comes before the first of those. The text/plain part is preferred; an HTML-only
e-mail is turned into text first, dropping the blockquotes that hold the quote.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

# "Em qua., 25 de nov. de 2026 às 10:00, Fulano <x@y> escreveu:" (Gmail),
# "Em 25 de nov. de 2026, à(s) 10:00, Fulano <x@y> escreveu:" (Apple Mail),
# "On Wed, Nov 25, 2026 at 10:00 AM Fulano <x@y> wrote:" and the like in a few
# more languages. Gmail wraps a long one over two or three lines.
_ATTRIBUTION = re.compile(
    r"^(Em|On|Le|Am|El|Il)\s.{4,300}\s(escreveu|wrote|a écrit|schrieb|escribió|ha scritto)\s*:$",
    re.IGNORECASE | re.DOTALL,
)
_ATTRIBUTION_START = re.compile(r"^(Em|On|Le|Am|El|Il)\s", re.IGNORECASE)
# Outlook: "-----Original Message-----", "-----Mensagem Original-----".
_ORIGINAL_MESSAGE = re.compile(
    r"^-{2,}\s*(Original Message|Mensagem original|Mensaje original|Message d'origine)\s*-{2,}$",
    re.IGNORECASE,
)
# Outlook's header block of the quoted message, maybe in bold ("*De:*") when
# the text part was made from HTML.
_HEADER_FROM = re.compile(r"^\*?(De|From|Von)\s*:\*?\s", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\*?(Enviado|Enviada|Enviado em|Sent|Date|Data|Gesendet)\s*:", re.IGNORECASE
)
_HEADER_SUBJECT = re.compile(r"^\*?(Assunto|Subject|Betreff)\s*:", re.IGNORECASE)
_UNDERSCORES = re.compile(r"^_{10,}$")
# The first line of every notification ("## Responda acima desta linha ##"): whatever
# the mail client wrote above the quote, the answer ends before it.
_REPLY_ABOVE = re.compile(r"#*\s*(Responda acima desta linha|Reply above this line)\s*#*", re.I)
# Signatures: the standard "-- " line, and what phones and apps add.
_SIGNATURE = re.compile(
    r"^(--|"
    r"(Enviado|Enviada) (do|de) meu .{1,40}|Sent from my .{1,40}|"
    r"(Enviado|Enviada) do (Outlook|Yahoo|Mail).{0,40}|Sent from (Outlook|Yahoo|Mail).{0,40}|"
    r"Get Outlook for .{1,30}|Obter o Outlook para .{1,30}|Baixe o Outlook para .{1,30})$",
    re.IGNORECASE,
)


def _unquoted(line: str) -> str:
    return re.sub(r"^(\s*>)+\s?", "", line).strip()


def _quote_header(lines: list[str], index: int) -> str | None:
    """``"attribution"`` for an "… wrote:" line above ">" lines, ``"block"`` for the
    start of an unprefixed quote (Outlook), None for a line of the answer."""
    line = _unquoted(lines[index])
    if _ORIGINAL_MESSAGE.match(line) or _UNDERSCORES.match(line) or _REPLY_ABOVE.fullmatch(line):
        return "block"
    if _HEADER_FROM.match(line):
        following = [_unquoted(other) for other in lines[index + 1 : index + 7]]
        if any(_HEADER_SENT.match(other) for other in following) and any(
            _HEADER_SUBJECT.match(other) for other in following
        ):
            return "block"
    if _attribution_size(lines, index):
        return "attribution"
    return None


def _attribution_size(lines: list[str], index: int) -> int:
    """How many lines the "… wrote:" line starting at ``index`` spans (0: none)."""
    window = [_unquoted(line) for line in lines[index : index + 3]]
    if not window or not _ATTRIBUTION_START.match(window[0]):
        return 0
    for size in range(1, len(window) + 1):
        if size > 1:
            # A wrapped attribution: it has a date on its first line, and its
            # other lines continue it (so "Em breve!" above one is not swallowed).
            added = window[size - 1]
            if not re.search(r"\d", window[0]) or not added or _ATTRIBUTION_START.match(added):
                return 0
        if _ATTRIBUTION.match(" ".join(window[:size])):
            return size
    return 0


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _tidy(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _without_attribution(kept: list[str]) -> list[str]:
    """``kept`` without the line(s) a mail client wrote above the quote it cut at the
    marker, when no rule above knew them ("Zwei Arts <…> escreveu em 25/11:"): the
    paragraph right above, of at most three lines, that ends with a colon and has a
    date or an address in it."""
    end = len(kept)
    while end and not kept[end - 1].strip():
        end -= 1
    start = end
    while start and kept[start - 1].strip() and end - start < 3:
        start -= 1
    paragraph = " ".join(kept[start:end])
    whole = start == 0 or not kept[start - 1].strip()
    if whole and paragraph.rstrip().endswith(":") and re.search(r"\d|@", paragraph):
        return kept[:start]
    return kept


def strip_reply(text: str) -> str:
    """The new text of an answer: up to the quoted e-mail or the signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _SIGNATURE.match(line.strip()) or _quote_header(lines, index):
            if _REPLY_ABOVE.fullmatch(_unquoted(line)):
                kept = _without_attribution(kept)
            break
        if not _is_quoted(line):  # quoted lines between the person's own are dropped
            kept.append(line)
    answer = _tidy(kept)
    if answer:
        return answer
    # Nothing above the quote: the person may have answered between the quoted
    # lines, below the attribution. Keep their lines, up to an unprefixed
    # (Outlook) quote or a signature.
    inline: list[str] = []
    skip_until = 0
    for index, line in enumerate(lines):
        header = _quote_header(lines, index)
        if header == "block" or _SIGNATURE.match(line.strip()):
            break
        if header == "attribution":
            skip_until = index + _attribution_size(lines, index)
        if index >= skip_until and not _is_quoted(line):
            inline.append(line)
    return _tidy(inline)


class _TextFromHtml(HTMLParser):
    """Visible text of an e-mail's HTML, without quoted blocks, styles and scripts."""

    LINES = {"div", "tr", "li", "table", "ul", "ol", "hr"}
    PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
    SKIPPED = {"head", "style", "script", "title", "blockquote"}
    # Gmail wraps the quote (attribution included) and the signature in these.
    SKIPPED_CLASSES = {"gmail_quote", "gmail_signature", "moz-cite-prefix", "moz-signature"}
    VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "base", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.newlines = 0  # how many line breaks the text ends with
        self.skipping: str | None = None
        self.depth = 0

    def _write(self, text: str) -> None:
        self.parts.append(text)
        stripped = text.rstrip(" ")
        if stripped.strip(" \n"):
            self.newlines = len(stripped) - len(stripped.rstrip("\n"))
        else:
            self.newlines += stripped.count("\n")

    def _end_line(self, newlines: int) -> None:
        """Start a new line (1) or paragraph (2), unless the text already did."""
        if self.parts and self.newlines < newlines:
            self._write("\n" * (newlines - self.newlines))

    def _skips(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag in self.SKIPPED:
            return True
        classes = set((dict(attrs).get("class") or "").split())
        return bool(classes & self.SKIPPED_CLASSES)

    def _block(self, tag: str) -> None:
        if tag == "br":
            self._write("\n")
        elif tag in self.PARAGRAPHS:
            self._end_line(2)
        elif tag in self.LINES:
            self._end_line(1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping is not None:
            if tag == self.skipping:
                self.depth += 1
            return
        if tag not in self.VOID and self._skips(tag, attrs):
            self.skipping, self.depth = tag, 1
            return
        self._block(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping is not None:
            if tag == self.skipping:
                self.depth -= 1
                if self.depth == 0:
                    self.skipping = None
            return
        if tag != "br":
            self._block(tag)

    def handle_data(self, data: str) -> None:
        if self.skipping is not None:
            return
        text = re.sub(r"[ \t\r\n]+", " ", data.replace("\xa0", " "))
        if text.strip() or not self.newlines:  # no indentation at the start of a line
            self._write(text)

    def text(self) -> str:
        lines = "".join(self.parts).split("\n")
        return "\n".join(line.strip() for line in lines).strip()


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    return parser.text()


def reply_text(message: EmailMessage) -> str:
    """The answer written in ``message``: its text part, or its HTML as text, stripped."""
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        return strip_reply(plain.get_content())
    html = message.get_body(preferencelist=("html",))
    if html is not None:
        return strip_reply(html_to_text(html.get_content()))
    return ""
