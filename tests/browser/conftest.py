"""Browser tests: Playwright's sync API driving Debian's Chromium against the live server."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path(os.environ.get("EGIDE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Start Chromium once per module; stopping it ends Playwright's event loop before other tests run.

    Playwright's sync API keeps an event loop in the test thread, which makes Django refuse ORM
    calls there (fixtures, assertions, the flush after each test); those calls are still
    synchronous, so the guard is lifted while the browser runs.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium introuvable ({CHROMIUM}) : apt-get install -y chromium")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def js_errors() -> list[str]:
    """Stacks of the uncaught script errors of the page."""
    return []


@pytest.fixture
def page(browser: Browser, live_server: Any, js_errors: list[str]) -> Iterator[Page]:
    """A French-speaking page on the live server."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("pageerror", lambda error: js_errors.append(error.stack or str(error)))
    yield page
    context.close()
