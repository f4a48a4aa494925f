"""Keys and a client that sends them, for the API tests."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from portal.api.models import AccessToken
from portal.api.services import token_create


class ApiClient:
    """The test client with ``Authorization: Bearer <key>`` on every call."""

    def __init__(self, key: str, **headers: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", **headers)

    def get(self, path: str, data: dict | None = None, **extra):
        return self.client.get(path, data or {}, **extra)

    def post(self, path: str, data: dict | None = None, **extra):
        return self.client.post(
            path, json.dumps(data or {}), content_type="application/json", **extra
        )

    def multipart(self, path: str, data: dict, **extra):
        return self.client.post(path, data, **extra)

    def delete(self, path: str, **extra):
        return self.client.delete(path, **extra)


def key_for(user, scope: str = AccessToken.Scope.READ_WRITE) -> str:
    return token_create(user=user, name="test", scope=scope).key


@pytest.fixture
def as_user():
    """``as_user(user, scope=...)``: an ApiClient with a new key of ``user``."""

    def make(user, scope: str = AccessToken.Scope.READ_WRITE, **headers: str) -> ApiClient:
        return ApiClient(key_for(user, scope), **headers)

    return make
