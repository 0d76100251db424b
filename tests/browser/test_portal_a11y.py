"""axe-core on the portal's pages, in both languages and in the version for the visually impaired."""

import pytest

from tests.browser.conftest import axe_check, use_a11y, use_language
from tests.registry.factories import MemberOrganisationFactory

pytestmark = pytest.mark.browser

MODES = [
    pytest.param("ru", None, id="ru"),
    pytest.param("en", None, id="en"),
    pytest.param("ru", {"scheme": "white_on_black", "font_size": "large"}, id="ru-white-on-black"),
    pytest.param("en", {"scheme": "blue_on_cyan", "font_size": "xlarge", "spacing": "wide",
                        "images": False}, id="en-blue-on-cyan"),
]  # fmt: skip


@pytest.mark.parametrize(("language", "a11y"), MODES)
def test_public_pages_have_no_serious_axe_violations(page, language, a11y):
    from innocluster.registry.models import PriorityArea

    org = MemberOrganisationFactory()
    org.priority_areas.set(PriorityArea.objects.filter(code__in=["ict", "medicine"]))
    use_language(page, language)
    if a11y:
        use_a11y(page, **a11y)
    for url in ["/", "/registry/", f"/registry/{org.id}/", "/registry/statistics/",
                "/accessibility/", "/accounts/login/", "/accounts/register/"]:  # fmt: skip
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        axe_check(page, f"{url} [{language}, {a11y}]")


@pytest.mark.parametrize("a11y", [None, {"scheme": "white_on_black", "font_size": "large"}])
def test_registry_pagination_and_filter_errors_have_no_serious_violations(page, a11y):
    MemberOrganisationFactory.create_batch(26)
    if a11y:
        use_a11y(page, **a11y)
    page.goto("/registry/?page=2")
    assert page.locator(".pagination [aria-current=page]").inner_text().strip().endswith("2")
    axe_check(page, f"registry page 2 [{a11y}]")
    response = page.goto("/registry/?kind=spaceship")
    assert response.status == 400
    assert page.locator("#id_kind_error").is_visible()
    axe_check(page, f"registry with a bad filter [{a11y}]")
