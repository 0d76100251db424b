"""An application in a real browser, without shortcuts: the lead's signatory starts it on an open
call's page, fills in every section, invites a partner whose signatory signs the consent, then
submits it and signs the submission document (the PDF and its data). axe-core checks every
application page in Russian during the flow and again in English at its end.

The steps are in joint_project_steps (the end-to-end walk of a joint project takes them too)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_check, login, use_language
from tests.browser.joint_project_steps import SECTIONS, Cast, apply_as_consortium

pytestmark = pytest.mark.browser


def test_lead_applies_with_a_partner_and_signs_the_submission(page, browser, live_url):
    from tests.programmes.factories import Team

    team = Team()
    login(page, team.signatory)
    people = Cast(browser, live_url)
    try:
        application = apply_as_consortium(
            page, people(team.partner_signatory), team.call, team, check=axe_check
        )
    finally:
        people.close()
    base = f"/applications/{application.pk}/"

    # Every application page in English.
    use_language(page, "en")
    page.goto("/applications/")
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page, "my applications (en)")
    for section in ("", *(f"{s}/" for s in SECTIONS)):
        page.goto(base + section)
        axe_check(page, f"{base}{section} (en)")
