"""Checks on uploaded files: how many, how big, and whether the content is what the name says.

A file is accepted when its extension is one we know and its first bytes match
that kind of file. Executables, HTML and SVG with script are refused whatever
they are called.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # legacy .doc/.xls/.ppt
TEXT = None  # checked as text instead of by signature

# extension -> (content type, accepted leading signatures)
KNOWN_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "svg": ("image/svg+xml", TEXT),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "doc": ("application/msword", OLE),
    "xls": ("application/vnd.ms-excel", OLE),
    "ppt": ("application/vnd.ms-powerpoint", OLE),
    "zip": ("application/zip", ZIP),
    "txt": ("text/plain", TEXT),
    "csv": ("text/csv", TEXT),
    "psd": ("image/vnd.adobe.photoshop", (b"8BPS",)),
    "ai": ("application/postscript", (b"%PDF-", b"%!PS")),
    "eps": ("application/postscript", (b"%!PS", b"\xc5\xd0\xd3\xc6")),
    "mp4": ("video/mp4", None),
    "mov": ("video/quicktime", None),
    "mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
}
MEDIA_CONTAINERS = {"mp4", "mov"}  # ISO media: "ftyp" at offset 4

EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")
MARKUP_DANGER = re.compile(
    rb"<\s*(script|html|iframe|object|embed|foreignobject)\b|\bon[a-z]+\s*=|javascript:",
    re.IGNORECASE,
)
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def _clean_name(raw: str | None) -> str:
    """The last path component, without control characters: names are shown, never used as paths."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    return name[:200] or "arquivo"


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the sniffing limit is still text.
        return error.start >= len(head) - 4
    return True


def _content_matches(extension: str, head: bytes) -> bool:
    _, signatures = KNOWN_TYPES[extension]
    if extension in MEDIA_CONTAINERS:
        return head[4:8] == b"ftyp"
    if signatures is TEXT:
        return _looks_like_text(head)
    return head.startswith(signatures)


# Elements that run code or embed a page, in any namespace (``<s:script>`` too).
SVG_ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "object", "embed", "html", "body"}
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def svg_is_inert(content: bytes) -> bool:
    """Whether an SVG, read by an XML parser, has nothing a browser would run: no
    script-like element and no event attribute in any namespace, no ``javascript:``
    (or HTML ``data:``) link once entities and character references are decoded,
    and no DTD (entities could hide any of these, or blow up in size)."""
    try:
        root = defused_fromstring(content, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return False
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction
        if _local(element.tag) in SVG_ACTIVE_ELEMENTS:
            return False
        for attribute, value in element.attrib.items():
            if _local(attribute).startswith("on") or _runs_code(value):
                return False
        if _local(element.tag) == "style" and _runs_code(element.text or ""):
            return False
    return True


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _runs_code(value: str) -> bool:
    # Browsers ignore whitespace and control characters inside a URL's scheme.
    squeezed = _URL_NOISE.sub("", value).lower()
    return "javascript:" in squeezed or "data:text/html" in squeezed or "expression(" in squeezed


def readable_size(size: int) -> str:
    """A size as people write it: "2 MB", "2,1 MB", "640 KB" (no ",0")."""
    return _WHOLE.sub("", str(filesizeformat(size)))


def sizes_that_differ(size: int, limit: int) -> tuple[str, str]:
    """A file's size and the limit it passed, never shown alike: in bytes when rounding
    would make them read the same ("2.097.153 bytes; o limite é de 2 MB")."""
    shown, limit_shown = readable_size(size), readable_size(limit)
    if shown == limit_shown:
        shown = _("%(bytes)s bytes") % {"bytes": number_format(size, force_grouping=True)}
    return shown, limit_shown


_WHOLE = re.compile(r"[.,]0(?=\s)")


def check_file(upload: UploadedFile) -> CheckedFile:
    name = _clean_name(upload.name)
    # A File may not know its size; an upload always does (Django's upload handlers count it).
    size = cast(int, upload.size)
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    if size > settings.ATTACHMENTS_MAX_BYTES:
        shown, limit = sizes_that_differ(size, settings.ATTACHMENTS_MAX_BYTES)
        raise ValidationError(
            _("“%(name)s” has %(size)s; the limit is %(limit)s per file.")
            % {"name": name, "size": shown, "limit": limit}
        )
    extension = _extension(name)
    if extension not in KNOWN_TYPES:
        raise ValidationError(
            _("“%(name)s”: this type of file is not accepted. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(KNOWN_TYPES))}
        )
    head = _head(upload)
    if head.startswith(EXECUTABLE_SIGNATURES) or not _content_matches(extension, head):
        raise ValidationError(
            _("“%(name)s”: the content of the file does not match its type (.%(ext)s).")
            % {"name": name, "ext": extension}
        )
    if extension == "svg":
        # Text files are served as text/plain downloads and cannot run; an SVG
        # is an image a browser would execute.
        upload.seek(0)
        content = upload.read()
        upload.seek(0)
        if MARKUP_DANGER.search(content) or not svg_is_inert(content):
            raise ValidationError(
                _("“%(name)s” contains scripts or web page code and was refused.") % {"name": name}
            )
    return CheckedFile(upload=upload, name=name, content_type=KNOWN_TYPES[extension][0], size=size)


def check_files(uploads: Sequence[UploadedFile]) -> list[CheckedFile]:
    """Every problem of a submission at once, so the person fixes them in one go."""
    if len(uploads) > settings.ATTACHMENTS_MAX_FILES:
        raise ValidationError(
            _("You sent %(count)s files; the limit is %(limit)s per submission.")
            % {"count": len(uploads), "limit": settings.ATTACHMENTS_MAX_FILES}
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_file(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return checked
