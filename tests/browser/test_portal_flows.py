"""Real users in a real browser: sign in, join, keyboard, language switch, the a11y version."""

import random

import pytest

from innocluster.registry import demo_identifiers as ids
from tests.accounts.factories import UserFactory
from tests.browser.conftest import axe_check, login, use_a11y, use_language

pytestmark = pytest.mark.browser
rng = random.Random(42)


def fill_join_form(page, name_ru: str, inn: str, ogrn: str) -> None:
    page.select_option("#id_legal_form", "legal_entity")
    page.select_option("#id_kind", "startup")
    page.fill("#id_name_ru", name_ru)
    page.fill("#id_name_en", "Photonics Lab LLC")
    page.fill("#id_inn", inn)
    page.fill("#id_ogrn", ogrn)
    page.select_option("#id_region", "RU-MOW")
    page.fill("#id_okved_main", "62.01")
    page.check("#id_priority_areas_0")
    page.fill("#id_employees", "25")


def test_sign_in_join_and_see_the_member_number(page):
    user = UserFactory()
    login(page, user)
    page.goto("/join/")
    axe_check(page, "join form (ru)")
    fill_join_form(page, "ООО «Фотоника»", "123", ids.legal_entity_ogrn(rng))
    page.check("#id_accept_agreement")
    with page.expect_navigation():
        page.get_by_role("button", name="Подать заявку на вступление").click()
    # The bad INN is reported next to its field, and the page stays accessible.
    assert page.locator("#id_inn_error").is_visible()
    assert page.locator("#id_inn").get_attribute("aria-invalid") == "true"
    axe_check(page, "join form with errors (ru)")
    page.fill("#id_inn", ids.legal_entity_inn(rng))
    page.check("#id_accept_agreement")
    with page.expect_navigation():
        page.get_by_role("button", name="Подать заявку на вступление").click()
    assert "/join/applications/" in page.url
    number = page.locator(".member-number").inner_text()
    assert number.startswith("MIC-")
    axe_check(page, "application status (ru)")
    use_language(page, "en")
    use_a11y(page, scheme="white_on_black", font_size="large")
    page.reload()
    assert "Welcome to the cluster" in page.content()
    axe_check(page, "application status (en, white on black)")
    page.goto("/join/")
    axe_check(page, "join form (en, white on black)")


def test_join_form_in_the_visually_impaired_version_has_no_violations(page):
    login(page, UserFactory())
    use_language(page, "en")
    use_a11y(page, scheme="brown_on_beige", font_size="xlarge", spacing="wide", images=False)
    page.goto("/join/")
    axe_check(page, "join form (en, brown on beige, xlarge)")


def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(page):
    page.goto("/registry/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes into the page's content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_language_switch_keeps_the_user_on_the_same_page(page):
    page.goto("/registry/?kind=startup")
    assert page.locator("html").get_attribute("lang") == "ru"
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.url.endswith("/registry/?kind=startup")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Member registry").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Русский").click()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.url.endswith("/registry/?kind=startup")


def test_visually_impaired_version_is_remembered_on_the_next_page(page):
    page.goto("/registry/")
    with page.expect_navigation():
        page.get_by_role("button", name="Версия для слабовидящих").click()
    assert page.url.endswith("/registry/")
    with page.expect_navigation():
        page.get_by_role("button", name="Белым по чёрному").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Крупный шрифт", exact=True).click()
    page.get_by_role("link", name="Статистика").click()
    page.wait_for_url("**/registry/statistics/")
    classes = page.locator("html").get_attribute("class")
    assert "a11y-scheme-white_on_black" in classes and "a11y-font-large" in classes
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(0, 0, 0)"
    axe_check(page, "statistics (ru, white on black, large)")
    with page.expect_navigation():
        page.get_by_role("button", name="Обычная версия").click()
    assert page.locator("html").get_attribute("class") == ""
