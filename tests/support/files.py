"""Uploads for tests: real file signatures, so the content checks see what browsers send."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tools import demo_files


def png_upload(name: str = "foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_files.png(), content_type="image/png")


def pdf_upload(name: str = "briefing.pdf", size: int | None = None) -> SimpleUploadedFile:
    content = demo_files.pdf(name)
    if size is not None:
        content = content + b"%" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
