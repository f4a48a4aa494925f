"""Copy a stored file from one storage to another, proven by checksum: the copy counts
only once the target gives back the bytes the source has."""

from __future__ import annotations

import hashlib

from django.core.files.storage import Storage

_CHUNK = 1024 * 1024


class CopyMismatch(Exception):
    """The target gave back other bytes than the source has."""


def file_sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_verified(source: Storage, target: Storage, name: str) -> bool:
    """Put ``name`` in ``target`` under the same name, byte for byte. True when it was
    copied now, False when an identical copy was already there (a run resumed)."""
    expected = file_sha256(source, name)
    if target.exists(name):
        if file_sha256(target, name) == expected:
            return False
        target.delete(name)  # another content under this name: replaced by the source's
    with source.open(name, "rb") as content:
        saved = target.save(name, content)
    if saved != name or file_sha256(target, name) != expected:
        target.delete(saved)
        raise CopyMismatch(f"{name}: the copy does not match the original")
    return True
