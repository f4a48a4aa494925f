"""A short-lived signed link to a stored file, for storages that can sign one
(an S3-compatible bucket); the local folder cannot, so its files are always streamed."""

from __future__ import annotations

from django.core.files.storage import Storage
from django.utils.http import content_disposition_header


def signed_download_url(
    storage: Storage,
    name: str,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool,
    seconds: int,
) -> str | None:
    """A link valid for ``seconds`` that makes the store answer with the headers the
    portal would send itself (type, disposition, no caching); None when ``storage``
    cannot sign links."""
    # Only django-storages' S3 storage signs: its url() takes the response overrides.
    if not hasattr(storage, "bucket_name"):
        return None
    parameters = {
        "ResponseContentType": content_type,
        "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
        "ResponseCacheControl": "private, no-store",
    }
    return storage.url(name, parameters=parameters, expire=seconds)  # type: ignore[call-arg]
