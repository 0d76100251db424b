"""Steps of a joint project in a real browser, shared by the browser tests that walk it: the
people of a walk (one signed-in browser context each), pressing a form's button and waiting for
the page that comes back, signing a document with the password, and the consortium's part from
the call's page to a signed submission.

The consortium's part is the same for the application walk (which audits every applicant page
with axe-core) and the end-to-end walk (which does not audit them again): ``check`` is called
on each page with a label, ``axe_check`` or nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from tests.browser.conftest import login, use_language

SECTIONS = ("details", "answers", "consortium", "budget", "milestones", "kpi", "attachments")


def no_check(page, label: str = "") -> None:
    """A ``check`` that checks nothing (the page is audited by another test)."""


def future(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def main_text(page) -> str:
    return page.locator("main").inner_text()


def click_and_wait(page, selector: str) -> None:
    """Press the (first) button or link at ``selector`` and wait for the page that comes back."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def save(page, label: str = "") -> None:
    """Press the section's main button and wait for the page that comes back."""
    click_and_wait(page, "main form .actions button.button")
    assert page.locator(".error-summary").count() == 0, (label, main_text(page))


def sign_with_password(page) -> None:
    """Sign the open document page's pending step with the user's password."""
    from tests.accounts.factories import PASSWORD

    page.fill("#id_password", PASSWORD)
    click_and_wait(page, "form[action$='/sign/'] button[type=submit]")


def countersign_for_the_fund(page) -> None:
    """The Fund's signatory countersigns the open document page."""
    page.locator("#id_confirm").check()
    with page.expect_navigation(timeout=30_000):
        page.locator("form[action$='/countersign/'] button[type=submit]").click()


def success_message(page) -> list[str]:
    """The portal's success messages on the page (base.html's message list)."""
    return page.locator(".messages .message-success").all_inner_texts()


def follow_notification(page, text: str, *, audit: bool = False) -> None:
    """Open the person's notifications and follow the newest unread one that says ``text``, as
    they would when told that something needs them (``audit``: axe-core on the list first)."""
    from tests.browser.conftest import axe_check

    page.goto("/notifications/")
    cards = page.locator("ul.notifications li.unread", has_text=text)
    assert cards.count(), (f"no unread notification saying {text!r}", main_text(page))
    if audit:
        axe_check(page, "notifications")
    with page.expect_navigation():
        cards.first.locator("form button[type=submit]").click()


class Cast:
    """The people of a walk: for each, a browser context of their own (own cookies), signed in
    once through the login form, in ``language`` (None: the browser's, Russian)."""

    def __init__(self, browser, base_url: str, language: str | None = None):
        self.browser = browser
        self.base_url = base_url
        self.language = language
        self.pages: dict = {}

    def __call__(self, user):
        """The page of ``user``, signed in."""
        if user.pk not in self.pages:
            context = self.browser.new_context(base_url=self.base_url, locale="ru-RU")
            context.set_default_timeout(10_000)
            context.ic_base_url = self.base_url  # for conftest's cookie helpers
            page = context.new_page()
            if self.language:
                use_language(page, self.language)
            login(page, user)
            self.pages[user.pk] = page
        return self.pages[user.pk]

    def adopt(self, user, page) -> None:
        """Use ``page`` (already signed in as ``user``) as their page."""
        self.pages[user.pk] = page

    def close(self) -> None:
        for page in self.pages.values():
            if not page.is_closed():
                page.context.close()
        self.pages.clear()


@dataclass
class Consortium:
    """A lead member with its signatory and an SME partner organisation (another region's) with
    its signatory: the people who apply."""

    lead: object
    signatory: object
    partner: object
    partner_signatory: object

    @classmethod
    def make(cls) -> Consortium:
        from tests.programmes.factories import person
        from tests.registry.factories import MemberOrganisationFactory, PartnerOrganisationFactory

        lead = MemberOrganisationFactory(sme_category="large", employees=400)
        partner = PartnerOrganisationFactory(sme_category="small")
        return cls(
            lead=lead,
            signatory=person(lead, "signatory"),
            partner=partner,
            partner_signatory=person(partner, "signatory"),
        )


def apply_as_consortium(
    page, partner_page, call, people, *, check: Callable = no_check, language: str = "ru"
):
    """The lead's signatory (``page``) starts an application on ``call``'s page, fills in every
    section, invites the partner, whose signatory (``partner_page``) signs the consent; then
    submits and signs the submission document (the PDF and its data).

    ``people``: a Consortium (or a Team); ``check(page, label)`` runs on every page; ``language``
    is in the labels. Returns the submitted application."""
    from innocluster.documents.models import Document
    from innocluster.programmes.models import Application

    lang = f" ({language})"
    # The call's page: start the application.
    page.goto(f"/calls/{call.code}/")
    page.fill("#id_title", "Цифровой двойник производственной линии")
    check(page, "call page with the Apply form" + lang)
    click_and_wait(page, "section.apply button[type=submit]")
    application = Application.objects.get(call=call, lead=people.lead)
    base = f"/applications/{application.pk}/"
    assert page.url.endswith(base)
    check(page, "application overview, a new draft" + lang)

    # Every section.
    page.goto(base + "details/")
    page.fill("#id_summary", "Платформа цифровых двойников для заводов.")
    page.select_option("#id_priority_area", "ict")
    page.select_option("#id_innovation_type", "technological")
    check(page, "details" + lang)
    save(page, "details")

    page.goto(base + "answers/")
    page.fill("#id_answers-summary", "Цифровые двойники для станков")
    page.fill("#id_answers-trl", "5")
    page.select_option("#id_answers-market", "b2b")
    check(page, "answers" + lang)
    save(page, "answers")

    year = str(datetime.date.fromisoformat(future(60)).year)
    page.goto(base + "budget/")
    page.select_option("#id_budget-0-category", "salaries")
    page.fill("#id_budget-0-year", year)
    page.fill("#id_budget-0-grant_rub", "2000000")
    page.fill("#id_budget-0-cofinancing_rub", "500000")
    # "Add rows" works without script: the page comes back with what was typed, and more rows.
    click_and_wait(page, "button[name=add_rows]")
    assert page.locator("#id_budget-0-grant_rub").input_value() == "2000000"
    assert page.locator("#id_budget-5-grant_rub").count() == 1
    page.select_option("#id_budget-4-category", "equipment")
    page.fill("#id_budget-4-year", year)
    page.fill("#id_budget-4-grant_rub", "1000000")
    page.fill("#id_budget-4-cofinancing_rub", "500000")
    check(page, "budget" + lang)
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
    check(page, "milestones" + lang)
    save(page, "milestones")

    page.goto(base + "kpi/")
    page.fill("#id_kpi-jobs", "12")
    page.fill("#id_kpi-revenue_rub", "50000000")
    check(page, "KPI targets" + lang)
    save(page, "kpi")

    page.goto(base + "attachments/")
    page.select_option("#id_required_document", "charter")
    page.set_input_files(
        "#id_file",
        files=[{"name": "charter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 c"}],
    )
    check(page, "attachments" + lang)
    save(page, "attachments")

    page.goto(base + "consortium/")
    page.fill("#id_inn", people.partner.inn)
    save(page, "invite")
    click_and_wait(page, "[data-send-consent]")
    check(page, "consortium, consent sent" + lang)
    member = application.members.get(organisation=people.partner)
    assert member.status == "consent_sent"

    # The partner's signatory: the invitation on "My applications", the consent signed.
    partner_page.goto("/applications/")
    check(partner_page, "my applications with an invitation" + lang)
    click_and_wait(partner_page, f"[data-invitation='{member.pk}'] a[href^='/documents/']")
    sign_with_password(partner_page)
    member.refresh_from_db()
    assert member.status == "confirmed"

    # The lead submits, and is sent to sign the submission.
    page.goto(base)
    assert page.locator(".checklist-ready").count() == 1, main_text(page)
    click_and_wait(page, "button[data-action=submit]")
    application.refresh_from_db()
    assert application.state == "submitted"
    assert page.url.endswith(f"/documents/{application.submission_document_id}/")
    sign_with_password(page)
    # Its data is the other document to sign: the overview points to it.
    page.goto(base)
    check(page, "application overview, submitted" + lang)
    click_and_wait(page, "[data-to-sign] a")
    sign_with_password(page)
    statuses = set(
        Document.objects.filter(
            links__object_type="programmes.application",
            links__object_id=str(application.pk),
            doc_type="application",
        ).values_list("status", flat=True)
    )
    assert statuses == {"signed"}
    return application
