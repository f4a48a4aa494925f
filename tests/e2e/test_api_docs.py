"""The API's interactive docs in a real browser: Swagger UI draws the endpoints from the
portal's own files, under the portal's Content-Security-Policy, with nothing refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_render_without_csp_violations(page: Page, site: str) -> None:
    refused: list[str] = []
    outside: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith((site, "data:")) else None
        ),
    )
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/api/v1/requests/{number}/status").first).to_be_visible()
    assert refused == []
    assert outside == []
