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
