"""Browser fixtures: Playwright (sync API) driving the machine's Chromium against the live server.

Playwright's own browser download does not work here, so the tests use Debian's Chromium
(``apt-get install -y chromium``), or the one ``CHROMIUM_PATH`` names. Without it every
browser test is skipped with the reason, and the end of the run says so.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.helpers import DESKTOP, PHONE

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_PREFIX = "browser tests skipped"
RESULTS_DIR = "test-results"


def chromium_path() -> str:
    """``CHROMIUM_PATH``, else Debian's /usr/bin/chromium, else a chromium on the PATH."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    default = "/usr/bin/chromium"
    if os.access(default, os.X_OK):
        return default
    return shutil.which("chromium") or default


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.skip(f"{SKIP_PREFIX}: {path} not found — run `apt-get install -y chromium`")
    # The sync API keeps an event loop running in this thread, which Django takes for an
    # async context and refuses ORM calls from the tests; the known setting for
    # Playwright + Django, only while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=5_000)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, settings) -> str:
    """The live server's address, also used for the links in e-mails."""
    settings.PORTAL_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def new_page(browser, site, request) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser (own cookies) of the given viewport."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []
    request.node.e2e_pages = pages  # for the screenshot on failure

    def open_page(viewport: dict = DESKTOP) -> Page:
        context = browser.new_context(
            base_url=site, viewport=viewport, locale="pt-BR", timezone_id="America/Sao_Paulo"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    """A desktop page, 1280 px wide."""
    return new_page(DESKTOP)


@pytest.fixture
def phone_page(new_page) -> Page:
    """A phone page, 375 px wide."""
    return new_page(PHONE)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Save a screenshot of every page a failed browser test had open."""
    report = yield
    pages = getattr(item, "e2e_pages", None)
    if report.failed and report.when == "call" and pages:
        folder = Path(item.config.rootpath) / RESULTS_DIR
        folder.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", item.name).strip("_")
        for number, page in enumerate(pages):
            suffix = f"-{number + 1}" if len(pages) > 1 else ""
            path = folder / f"{name}{suffix}.png"
            try:
                page.screenshot(path=path, full_page=True)
            except Exception as error:  # a closed page must not hide the failure itself
                report.sections.append(("screenshot", f"{path}: not taken ({error})"))
            else:
                report.sections.append(("screenshot", str(path)))
    return report


def pytest_terminal_summary(terminalreporter) -> None:
    """Say it at the end of the run when the browser tests were skipped: never silently."""
    reasons = {
        str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        for report in terminalreporter.stats.get("skipped", [])
        if SKIP_PREFIX in str(report.longrepr)
    }
    for reason in sorted(reasons):
        terminalreporter.write_line(reason.removeprefix("Skipped: "), yellow=True, bold=True)
