"""The back office in a real browser: axe-core on its pages, in both languages and in the version
for the visually impaired, and a bulk approval done by keyboard."""

from __future__ import annotations

import pytest

from innocluster.registry.checks import make_check
from innocluster.registry.models import MembershipApplication
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.browser.conftest import axe_check, login, use_a11y, use_language
from tests.registry.factories import MemberOrganisationFactory, OrganisationFactory

pytestmark = pytest.mark.browser

MODES = [
    pytest.param("ru", None, id="ru"),
    pytest.param("en", None, id="en"),
    pytest.param("ru", {"scheme": "white_on_black", "font_size": "large"}, id="ru-white-on-black"),
    pytest.param("en", {"scheme": "blue_on_cyan", "font_size": "xlarge", "spacing": "wide",
                        "images": False}, id="en-blue-on-cyan"),
]  # fmt: skip
CHECKS = [
    make_check("identifiers_valid", "ok", True),
    make_check("contact_confirmed", "unconfirmed", None),
]


def pending(**org_fields) -> MembershipApplication:
    return MembershipApplication.objects.create(
        organisation=OrganisationFactory(**org_fields),
        applicant=UserFactory(),
        status="pending_review",
        checks=CHECKS,
        review_reason="The applicant has not confirmed the e-mail address.",
    )


@pytest.mark.parametrize(("language", "a11y"), MODES)
def test_back_office_pages_have_no_serious_axe_violations(page, language, a11y):
    application = pending(name_ru="ООО «Очередь»", name_en="Queue LLC")
    pending(region_id="RU-TA")
    member = MemberOrganisationFactory()
    operator = FundOperatorFactory()
    use_language(page, language)
    if a11y:
        use_a11y(page, **a11y)
    login(page, operator)
    for url in [
        "/backoffice/",
        "/backoffice/?status=&kind=spaceship",  # with filter errors shown
        f"/backoffice/applications/{application.id}/",
        "/backoffice/members/",
        f"/backoffice/organisations/{member.id}/",
    ]:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        axe_check(page, f"{url} [{language}, {a11y}]")

    # The pages after a failed submission: errors linked to their fields.
    page.goto(f"/backoffice/applications/{application.id}/")
    page.locator("button[name=decision][value=reject]").click()
    page.wait_for_selector("#id_reason_error")
    assert "id_reason_error" in page.locator("#id_reason").get_attribute("aria-describedby")
    axe_check(page, f"rejection without a reason [{language}, {a11y}]")

    # The confirmation step of a bulk decision.
    page.goto("/backoffice/")
    page.locator("input[name=decision][value=approve]").check()
    page.locator("form[action$='/applications/bulk/'] button[type=submit]").click()
    page.wait_for_selector("input[name=confirm]", state="attached")
    axe_check(page, f"bulk confirmation [{language}, {a11y}]")


def test_bulk_approve_by_keyboard_decides_every_page(page, settings):
    # As in production, the accession agreements of a bulk admission are queued for the worker.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    for _ in range(27):
        pending()
    use_language(page, "en")
    login(page, FundOperatorFactory())
    page.goto("/backoffice/")
    assert page.locator("main table tbody tr").count() == 25
    # Choose the decision and submit with the keyboard only.
    page.locator("input[name=decision][value=approve]").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the other radio button is skipped: the reason comes next
    page.keyboard.type("Checked by the Fund in bulk")
    bulk_button = page.locator("form[action$='/applications/bulk/'] button[type=submit]")
    bulk_button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You are about to approve 27 applications" in page.locator("main").inner_text()
    confirm = page.get_by_role("button", name="Approve 27 applications")
    confirm.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "27 applications approved." in page.locator("main").inner_text()
    assert MembershipApplication.objects.filter(status="approved").count() == 27
    assert not MembershipApplication.objects.filter(status="pending_review").exists()
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path__endswith="issue_accession_agreement")
    assert queued.count() == 27
