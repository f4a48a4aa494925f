"""A real S3-compatible server for the storage tests: moto's standalone server,
answering HTTP on a free port of 127.0.0.1 for the whole session (not moto's
in-process mocks: boto3 and django-storages speak to it over the network, as they
would to a bucket in production). Each test gets a bucket of its own."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from portal.lib.storage_url import storage_from_url

REGION = "us-east-1"
KEY_ID, SECRET = "portal-test-key", "portal-test-secret"


@dataclass
class S3Bucket:
    name: str
    endpoint: str
    client: Any  # boto3's S3 client, speaking to the same server

    @property
    def url(self) -> str:
        """The STORAGE_URL of this bucket."""
        return f"s3://{self.name}?endpoint={self.endpoint}&region={REGION}&addressing_style=path"

    def keys(self) -> list[str]:
        """Every object's name, straight from the server's listing."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's server on loopback, started once per session; its endpoint URL."""
    # Imported here: moto takes a second and a half to load, and most runs need none of it.
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per S3 call otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings, monkeypatch) -> S3Bucket:
    """A new, empty, private bucket, made the storage of attachments through
    STORAGE_URL's own parser (keys from the environment, as in production)."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    bucket = S3Bucket(f"portal-test-{uuid.uuid4().hex[:12]}", s3_server, client)
    client.create_bucket(Bucket=bucket.name)
    config = storage_from_url(bucket.url)
    settings.STORAGES = {**settings.STORAGES, "default": config.entry}
    settings.ATTACHMENTS_DOWNLOAD = config.download
    settings.ATTACHMENTS_PRESIGN_SECONDS = config.presign_seconds
    return bucket
