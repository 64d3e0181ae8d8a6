"""Browser tests: Playwright's sync API driving Debian's Chromium against the live server."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSWORD
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from egide.accounts.models import User

OpenPage = Callable[..., Page]

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


@pytest.fixture
def open_page(browser: Browser, live_server: Any, js_errors: list[str]) -> Iterator[OpenPage]:
    """Open a browser context of its own for a user, logged in through the login page."""
    contexts = []

    def open_for(user: User, password: str = PASSWORD) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: js_errors.append(error.stack or str(error)))
        page.goto("/compte/connexion/")
        page.get_by_label("Adresse e-mail").fill(user.email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
        return page

    yield open_for
    for context in contexts:
        context.close()


def tick(box: Locator) -> None:
    """Tick a radio button or a checkbox with the keyboard: DSFR draws its label over the input."""
    box.press("Space")
    expect(box).to_be_checked()
