"""Request bodies: refused unread when larger than any page accepts, refused whole when
they end before the length they declared.

Without this, a 100 MB upload was read (and spooled to disk) before a view refused it,
and a body cut short, the connection closed mid-file, reached the view as if complete:
the multipart parser hands over the files received so far.
"""

from __future__ import annotations

from collections.abc import Callable
from io import IOBase
from typing import BinaryIO, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


class IncompleteBody(MultiPartParserError):
    """The client stopped sending before the Content-Length it declared.

    A MultiPartParserError, so Django answers 400 wherever the body is read (the
    multipart parser of uploads, ``request.body`` otherwise) and no view sees a part of it.
    """


def request_body_limit() -> int:
    """The largest body any page accepts: every allowed file at its size limit, in base64
    (4/3) as the e-mail intake receives them, plus REQUEST_BODY_MARGIN_BYTES for the
    rest of the form or message."""
    files = settings.ATTACHMENTS_MAX_FILES * settings.ATTACHMENTS_MAX_BYTES
    return files * 4 // 3 + settings.REQUEST_BODY_MARGIN_BYTES


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads no body then


class _CompleteBody(IOBase):
    """The request's stream, raising IncompleteBody when it ends ``length`` bytes too soon."""

    def __init__(self, stream: BinaryIO, length: int) -> None:
        self._stream = stream
        self._missing = length

    def read(self, size: int | None = -1, /) -> bytes:
        data = self._stream.read(-1 if size is None else size)
        self._count(data, whole=size is None or size < 0)
        return data

    def readline(self, size: int | None = -1, /) -> bytes:
        line = self._stream.readline(-1 if size is None else size)
        self._count(line, whole=False)
        return line

    def _count(self, data: bytes, *, whole: bool) -> None:
        self._missing -= len(data)
        # An empty read, or a read of everything that came short, is the end of the stream.
        if self._missing > 0 and (whole or not data):
            raise IncompleteBody(f"Request body ended {self._missing} bytes early.")

    def seekable(self) -> bool:
        return False


class RequestBodyMiddleware:
    """Refuses, before reading it, a body larger than ``request_body_limit()`` (413, a page
    in the portal's look), and makes a body shorter than declared fail the request (400).

    It must come before anything that reads the body; it comes after the language is
    chosen, so the page speaks the visitor's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        if length > request_body_limit():
            return render(
                request,
                "errors/413.html",
                {
                    "max_files": settings.ATTACHMENTS_MAX_FILES,
                    "max_size": filesizeformat(settings.ATTACHMENTS_MAX_BYTES),
                },
                status=413,
            )
        if length:
            request._stream = cast(BinaryIO, _CompleteBody(request._stream, length))
        return self.get_response(request)
