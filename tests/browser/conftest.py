"""Shared fixtures for the browser tests: one headless Debian chromium per test session (per
xdist worker), a fresh page per test against pytest-django's live_server, and helpers to sign in,
switch language, switch on the version for the visually impaired and run axe-core.

Every test here is skipped, loudly, when /usr/bin/chromium is missing (Debian package
``chromium``; ``make test`` tries to install it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop in this thread; Django's ORM would refuse to run
# beside it. The tests touch the database only between browser steps, never concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_REASON = (
    f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing; install the Debian package 'chromium' "
    "(apt-get install chromium) to run them."
)
BROWSER_DIR = Path(__file__).parent
BLOCKING_IMPACTS = ("serious", "critical")


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def pytest_collection_modifyitems(config, items):
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).parents:
            item.add_marker(skip)


def pytest_report_header(config):
    if not chromium_available():
        return SKIP_REASON
    return None


@pytest.fixture(scope="session")
def playwright_instance():
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """One chromium for the whole session (of this xdist worker)."""
    instance = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield instance
    instance.close()


@pytest.fixture
def browser_db(transactional_db):
    """The live server reads committed data, so browser tests use transactional_db; its flush
    empties the reference tables, so load them again when they are gone."""
    from django.core.cache import cache

    from innocluster.registry.models import PriorityArea
    from innocluster.registry.reference import load_all

    if not PriorityArea.objects.exists():
        load_all()
    cache.clear()  # the home page caches the registry's numbers


@pytest.fixture
def live_url(live_server, browser_db) -> str:
    """The live server's base URL (no trailing slash), with reference data loaded."""
    return live_server.url.rstrip("/")


@pytest.fixture
def context(browser, live_url):
    ctx = browser.new_context(base_url=live_url, locale="ru-RU")
    ctx.set_default_timeout(10_000)
    ctx.ic_base_url = live_url  # for the cookie helpers below
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A fresh page (own cookies) whose relative URLs go to the live server."""
    return context.new_page()


def set_cookie(page, name: str, value: str) -> None:
    """Set a cookie for the live server on this page's context."""
    page.context.add_cookies(
        [{"name": name, "value": value, "url": page.context.ic_base_url + "/"}]
    )


def use_language(page, code: str) -> None:
    """Choose the portal's language as the language switch would (cookie ic_lang)."""
    set_cookie(page, "ic_lang", code)


def use_a11y(page, **prefs) -> None:
    """Switch on the version for the visually impaired, e.g. use_a11y(page, scheme="white_on_black",
    font_size="large")."""
    data = {"enabled": True, "font_size": "normal", "scheme": "black_on_white", "images": True}
    data.update(prefs)
    set_cookie(page, "ic_a11y", json.dumps(data, separators=(",", ":")))


def login(page, user, password: str | None = None) -> None:
    """Sign ``user`` in through the login form (factories' users share one password)."""
    from tests.accounts.factories import PASSWORD

    page.goto("/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", password or PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/accounts/login/" not in page.url, "sign-in failed for " + user.email


def axe_violations(page) -> list[dict]:
    """axe-core's violations of impact serious or critical on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def axe_check(page, label: str = "") -> None:
    """Fail with a readable list when axe-core finds a serious or critical violation."""
    violations = axe_violations(page)
    if violations:
        lines = [f"axe-core found serious/critical violations on {label or page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {node.get('target')}: {node.get('failureSummary', '')[:300]}")
        pytest.fail("\n".join(lines))


@pytest.fixture(name="login")
def login_fixture():
    """``login(page, user)`` as a fixture, for tests that prefer fixtures to imports."""
    return login


@pytest.fixture(name="axe_check")
def axe_check_fixture():
    """``axe_check(page, label)`` as a fixture."""
    return axe_check
