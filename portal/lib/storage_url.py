"""Turn ``STORAGE_URL`` into the ``default`` entry of Django's ``STORAGES`` setting:
where attachments are kept.

Accepted forms:

- empty or ``file://``: a folder on this machine, ``MEDIA_ROOT``;
- ``file:///srv/portal/media``: that folder instead;
- ``s3://bucket?endpoint=https://s3.example&region=sa-east-1``: a bucket on any
  S3-compatible object store (django-storages). Optional: ``addressing_style=path``
  (or ``virtual``), ``prefix=portal`` (a folder inside the bucket),
  ``download=stream`` (the default: the portal reads the object and sends it) or
  ``download=redirect`` (a redirect to a signed link), ``presign_seconds=10`` (how long
  such a link works).

The keys come from ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` or their
``*_FILE`` variants, never from the URL, so the URL can be logged. The bucket stays
private: objects are written with no ACL and read only with signed requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from portal.lib.env import env

FILE_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
DOWNLOAD_MODES = ("stream", "redirect")


@dataclass(frozen=True)
class StorageConfig:
    entry: dict  # STORAGES["default"]
    download: str = "stream"  # how attachment_download hands out an object
    presign_seconds: int = 10  # how long a redirect's signed link works


def storage_from_url(url: str) -> StorageConfig:
    """What ``url`` describes: the storage, and how downloads leave it."""
    parts = urlsplit(url)
    if not url or parts.scheme == "file":
        if url and parts.path not in ("", "/"):
            return StorageConfig(
                {"BACKEND": FILE_BACKEND, "OPTIONS": {"location": unquote(parts.path)}}
            )
        # No location: FileSystemStorage reads MEDIA_ROOT when used, so changing it works.
        return StorageConfig({"BACKEND": FILE_BACKEND})
    if parts.scheme != "s3":
        raise ImproperlyConfigured(f"STORAGE_URL: unknown scheme {parts.scheme!r} (use file or s3)")
    if not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL: a bucket is required, as in s3://portal-files")
    if parts.username or parts.password:
        raise ImproperlyConfigured(
            "STORAGE_URL: keys go in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or *_FILE)"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {
        "endpoint", "region", "addressing_style", "prefix", "download", "presign_seconds"
    }  # fmt: skip
    if unknown:
        raise ImproperlyConfigured(
            f"STORAGE_URL: unknown parameter(s) {', '.join(sorted(unknown))}"
        )
    download = query.get("download", "stream")
    if download not in DOWNLOAD_MODES:
        raise ImproperlyConfigured(
            f"STORAGE_URL: download must be stream or redirect, not {download!r}"
        )
    try:
        presign_seconds = int(query.get("presign_seconds", "10"))
    except ValueError as error:
        raise ImproperlyConfigured("STORAGE_URL: presign_seconds must be a number") from error
    if not 1 <= presign_seconds <= 3600:
        raise ImproperlyConfigured("STORAGE_URL: presign_seconds must be between 1 and 3600")
    options = {
        "bucket_name": parts.hostname,
        "endpoint_url": query.get("endpoint") or None,
        "region_name": query.get("region") or None,
        "addressing_style": query.get("addressing_style") or None,
        "location": query.get("prefix", "").strip("/"),
        "access_key": env("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
        # Private objects: no ACL (the bucket's own policy, private by default), only
        # signed links, never a public URL; a stored name is never silently replaced.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": presign_seconds,
        "file_overwrite": False,
        "signature_version": "s3v4",
        # An object being read is buffered in memory up to this size, then in a
        # temporary file: a large download never sits whole in a worker's memory.
        "max_memory_size": 256 * 1024,
    }
    return StorageConfig({"BACKEND": S3_BACKEND, "OPTIONS": options}, download, presign_seconds)
