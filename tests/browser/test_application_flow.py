"""An application in a real browser, without shortcuts: the lead's signatory starts it on an open
call's page, fills in every section, invites a partner whose signatory signs the consent, then
submits it and signs the submission document (the PDF and its data). axe-core checks every
application page in Russian during the flow and again in English at its end."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_check, login, use_language

pytestmark = pytest.mark.browser

SECTIONS = ("details", "answers", "consortium", "budget", "milestones", "kpi", "attachments")


def future(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def save(page, label: str = "") -> None:
    """Press the section's main button and wait for the page that comes back."""
    with page.expect_navigation():
        page.locator("main form .actions button.button").first.click()
    assert page.locator(".error-summary").count() == 0, (label, page.locator("main").inner_text())


def sign_with_password(page) -> None:
    from tests.accounts.factories import PASSWORD

    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("form[action$='/sign/'] button[type=submit]").click()


def test_lead_applies_with_a_partner_and_signs_the_submission(page, browser, live_url):
    from innocluster.documents.models import Document
    from innocluster.programmes.models import Application
    from tests.programmes.factories import Team

    team = Team()
    login(page, team.signatory)

    # The call's page: start the application.
    page.goto(f"/calls/{team.call.code}/")
    page.fill("#id_title", "Цифровой двойник производственной линии")
    axe_check(page, "call page with the Apply form (ru)")
    with page.expect_navigation():
        page.locator("section.apply button[type=submit]").click()
    application = Application.objects.get()
    base = f"/applications/{application.pk}/"
    assert page.url.endswith(base)
    axe_check(page, "application overview, a new draft (ru)")

    # Every section.
    page.goto(base + "details/")
    page.fill("#id_summary", "Платформа цифровых двойников для заводов.")
    page.select_option("#id_priority_area", "ict")
    page.select_option("#id_innovation_type", "technological")
    axe_check(page, "details (ru)")
    save(page, "details")

    page.goto(base + "answers/")
    page.fill("#id_answers-summary", "Цифровые двойники для станков")
    page.fill("#id_answers-trl", "5")
    page.select_option("#id_answers-market", "b2b")
    axe_check(page, "answers (ru)")
    save(page, "answers")

    year = str(datetime.date.fromisoformat(future(60)).year)
    page.goto(base + "budget/")
    page.select_option("#id_budget-0-category", "salaries")
    page.fill("#id_budget-0-year", year)
    page.fill("#id_budget-0-grant_rub", "2000000")
    page.fill("#id_budget-0-cofinancing_rub", "500000")
    # "Add rows" works without script: the page comes back with what was typed, and more rows.
    with page.expect_navigation():
        page.locator("button[name=add_rows]").click()
    assert page.locator("#id_budget-0-grant_rub").input_value() == "2000000"
    assert page.locator("#id_budget-5-grant_rub").count() == 1
    page.select_option("#id_budget-4-category", "equipment")
    page.fill("#id_budget-4-year", year)
    page.fill("#id_budget-4-grant_rub", "1000000")
    page.fill("#id_budget-4-cofinancing_rub", "500000")
    axe_check(page, "budget (ru)")
    save(page, "budget")
    assert application.budget_lines.count() == 2

    page.goto(base + "milestones/")
    page.fill("#id_milestones-0-title", "Прототип")
    page.fill("#id_milestones-0-deliverables", "Прототип и протокол испытаний")
    page.fill("#id_milestones-0-due_on", future(60))
    page.fill("#id_milestones-0-tranche_rub", "1500000")
    page.fill("#id_milestones-1-title", "Пилотное внедрение")
    page.fill("#id_milestones-1-due_on", future(120))
    page.fill("#id_milestones-1-tranche_rub", "1500000")
    axe_check(page, "milestones (ru)")
    save(page, "milestones")

    page.goto(base + "kpi/")
    page.fill("#id_kpi-jobs", "12")
    page.fill("#id_kpi-revenue_rub", "50000000")
    axe_check(page, "KPI targets (ru)")
    save(page, "kpi")

    page.goto(base + "attachments/")
    page.select_option("#id_required_document", "charter")
    page.set_input_files(
        "#id_file",
        files=[{"name": "charter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 c"}],
    )
    axe_check(page, "attachments (ru)")
    save(page, "attachments")

    page.goto(base + "consortium/")
    page.fill("#id_inn", team.partner.inn)
    save(page, "invite")
    with page.expect_navigation():
        page.locator("[data-send-consent]").click()
    axe_check(page, "consortium, consent sent (ru)")
    member = application.members.get(organisation=team.partner)
    assert member.status == "consent_sent"

    # The partner's signatory: the invitation on "My applications", the consent signed.
    partner_context = browser.new_context(base_url=live_url, locale="ru-RU")
    partner_context.set_default_timeout(10_000)
    partner = partner_context.new_page()
    try:
        login(partner, team.partner_signatory)
        partner.goto("/applications/")
        axe_check(partner, "my applications with an invitation (ru)")
        with partner.expect_navigation():
            partner.locator(f"[data-invitation='{member.pk}'] a[href^='/documents/']").click()
        sign_with_password(partner)
    finally:
        partner_context.close()
    member.refresh_from_db()
    assert member.status == "confirmed"

    # The lead submits, and is sent to sign the submission.
    page.goto(base)
    assert page.locator(".checklist-ready").count() == 1, page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator("button[data-action=submit]").click()
    application.refresh_from_db()
    assert application.state == "submitted"
    assert page.url.endswith(f"/documents/{application.submission_document_id}/")
    sign_with_password(page)
    # Its data is the other document to sign: the overview points to it.
    page.goto(base)
    axe_check(page, "application overview, submitted (ru)")
    with page.expect_navigation():
        page.locator("[data-to-sign] a").first.click()
    sign_with_password(page)
    statuses = set(
        Document.objects.filter(
            links__object_type="programmes.application",
            links__object_id=str(application.pk),
            doc_type="application",
        ).values_list("status", flat=True)
    )
    assert statuses == {"signed"}

    # Every application page in English.
    use_language(page, "en")
    page.goto("/applications/")
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page, "my applications (en)")
    for section in ("", *(f"{s}/" for s in SECTIONS)):
        page.goto(base + section)
        axe_check(page, f"{base}{section} (en)")
