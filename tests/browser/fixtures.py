"""Headless Chromium (Debian's /usr/bin/chromium) through Playwright, plus axe-core."""

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@dataclass
class ConsoleLog:
    messages: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m or "Content-Security-Policy" in m]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def console_log() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def page(browser: Browser, live_server, console_log: ConsoleLog) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()

    def on_console(msg: ConsoleMessage) -> None:
        console_log.messages.append(f"{msg.type}: {msg.text}")

    page.on("console", on_console)
    yield page
    context.close()


def login_as(page: Page, user, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Log in through a real session cookie (faster than typing; the login form has its own test)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])


ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def axe_violations(page: Page, impacts: tuple[str, ...] = ALL_IMPACTS) -> list[dict]:
    """Run axe-core (vendored static file, loaded from our own origin so the CSP allows it).

    Every impact counts, minor and moderate included (issue 10's acceptance).
    A click on a link returns once the navigation has committed, while the new document may
    still be parsing (no <head> yet): wait for it to load, so axe checks the whole page.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=f"{settings.STATIC_URL}vendor/axe.min.js")
    results = page.evaluate(
        "async () => await axe.run(document,"
        " {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if impacts is None or v["impact"] in impacts
    ]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core found violations on {page.url}: {violations}"
