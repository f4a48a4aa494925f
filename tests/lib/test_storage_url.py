"""STORAGE_URL: where attachments are kept (portal/lib/storage_url.py)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.lib.storage_url import FILE_BACKEND, S3_BACKEND, storage_from_url


def test_the_local_folder_is_the_default_and_follows_media_root():
    for url in ("", "file://"):
        config = storage_from_url(url)
        assert config.entry == {"BACKEND": FILE_BACKEND}
        assert config.download == "stream"


def test_another_folder():
    assert storage_from_url("file:///srv/portal/media").entry == {
        "BACKEND": FILE_BACKEND,
        "OPTIONS": {"location": "/srv/portal/media"},
    }


def test_a_bucket_with_keys_from_the_environment(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA-EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s3cr3t")
    config = storage_from_url(
        "s3://portal-files?endpoint=https://s3.example.net&region=sa-east-1"
        "&addressing_style=path&prefix=/anexos/&download=redirect&presign_seconds=5"
    )
    assert config.entry["BACKEND"] == S3_BACKEND
    options = config.entry["OPTIONS"]
    assert options["bucket_name"] == "portal-files"
    assert options["endpoint_url"] == "https://s3.example.net"
    assert options["region_name"] == "sa-east-1"
    assert options["addressing_style"] == "path"
    assert options["location"] == "anexos"
    assert (options["access_key"], options["secret_key"]) == ("AKIA-EXAMPLE", "s3cr3t")
    # Private: no ACL on objects, signed links only, never an overwritten name.
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    assert options["max_memory_size"] == 256 * 1024
    assert (config.download, config.presign_seconds) == ("redirect", 5)


def test_keys_from_secret_files(monkeypatch, tmp_path):
    (tmp_path / "id").write_text("AKIA-FROM-FILE\n")
    (tmp_path / "secret").write_text("secret-from-file\n")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID_FILE", str(tmp_path / "id"))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY_FILE", str(tmp_path / "secret"))
    options = storage_from_url("s3://portal-files").entry["OPTIONS"]
    assert (options["access_key"], options["secret_key"]) == ("AKIA-FROM-FILE", "secret-from-file")
    assert options["endpoint_url"] is None  # AWS itself
    assert options["querystring_expire"] == 10


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files", "unknown scheme"),
        ("s3://", "a bucket is required"),
        ("s3://key:secret@portal-files", "AWS_ACCESS_KEY_ID"),
        ("s3://portal-files?regoin=sa-east-1", "unknown parameter(s) regoin"),
        ("s3://portal-files?download=public", "stream or redirect"),
        ("s3://portal-files?presign_seconds=soon", "must be a number"),
        ("s3://portal-files?presign_seconds=86400", "between 1 and 3600"),
    ],
)
def test_a_mistake_stops_the_start(url, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        storage_from_url(url)


def test_an_unreadable_secret_file_stops_the_start(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="AWS_SECRET_ACCESS_KEY_FILE"):
        storage_from_url("s3://portal-files")
