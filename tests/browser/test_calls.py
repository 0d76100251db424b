"""Calls in a real browser: the list of calls and a call's page, in Russian and English, with
axe-core (WCAG 2.1 AA) on each, and in the version for the visually impaired."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_check, use_a11y, use_language
from tests.programmes.call_factories import make_call

pytestmark = pytest.mark.browser


@pytest.fixture
def calls(browser_db):
    return {status: make_call(status) for status in ("draft", "open", "upcoming", "closed")}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_calls_pages_are_accessible(page, calls, language):
    use_language(page, language)
    page.goto("/calls/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("nav.main-nav a[aria-current=page]").get_attribute("href") == "/calls/"
    open_call = calls["open"]
    title = open_call.title_en if language == "en" else open_call.title_ru
    assert page.locator(f'a[href="/calls/{calls["draft"].code}/"]').count() == 0
    assert page.locator("h2").count() == 3
    axe_check(page, f"/calls/ ({language})")
    page.locator(f'a[href="/calls/{open_call.code}/"]').click()
    page.wait_for_url(f"**/calls/{open_call.code}/")
    assert page.locator("h1").inner_text() == title
    assert page.locator("table caption").count() == 1
    axe_check(page, f"/calls/{open_call.code}/ ({language})")


def test_call_page_for_the_visually_impaired(page, calls):
    use_a11y(page, scheme="white_on_black", font_size="large")
    page.goto(f"/calls/{calls['closed'].code}/")
    assert page.locator("h1").is_visible()
    axe_check(page, "a closed call, visually impaired version")
