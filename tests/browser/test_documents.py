"""Documents in a real browser: a key made with WebCrypto, a certificate from the platform CA, a
document signed in the browser and countersigned by the Fund; axe-core on every documents page
in both languages and in the version for the visually impaired."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_check, login, use_a11y, use_language

pytestmark = pytest.mark.browser

MODES = [
    pytest.param("ru", None, id="ru"),
    pytest.param("en", None, id="en"),
    pytest.param("ru", {"scheme": "white_on_black", "font_size": "large"}, id="ru-white-on-black"),
    pytest.param("en", {"scheme": "blue_on_cyan", "font_size": "xlarge", "spacing": "wide",
                        "images": False}, id="en-blue-on-cyan"),
]  # fmt: skip


def sent_pdf(org, *, with_fund: bool = True, title: str = "Соглашение о сотрудничестве"):
    """A PDF sent by another member: first ``org`` signs, then (optionally) the Fund."""
    from innocluster.documents.fund import fund_organisation
    from innocluster.documents.services import StepSpec, send_for_signature
    from tests.documents.factories import draft, make_pdf, person
    from tests.registry.factories import MemberOrganisationFactory

    sender = MemberOrganisationFactory()
    editor = person(sender, "editor")
    document = draft(
        sender,
        editor,
        content=make_pdf("Agreement"),
        media_type="application/pdf",
        title=title,
        parties=[org],
    )
    route = [StepSpec(org, order=1, deadline=timezone.now() + dt.timedelta(days=7))]
    if with_fund:
        route.append(StepSpec(fund_organisation(), order=2))
    return send_for_signature(document, route, editor)


def status_text(page) -> str:
    return page.locator("[data-signing-status]").inner_text()


def error_text(page) -> str:
    error = page.locator("[data-signing-error]")
    return error.inner_text() if error.is_visible() else ""


def test_member_makes_a_key_signs_in_the_browser_and_the_fund_countersigns(page):
    from innocluster.documents.models import Document, Signature
    from innocluster.pki.models import IssuedCertificate
    from tests.documents.factories import fund_signatory, org_with_signatory

    org, signer = org_with_signatory()
    document = sent_pdf(org)
    login(page, signer)

    # My certificates: the key is made in the browser, only its public key is sent.
    page.goto("/documents/certificates/")
    assert page.locator("[data-signing-fallback]").is_hidden()
    axe_check(page, "certificates page, enhanced")
    requests = []
    page.on(
        "request", lambda r: requests.append((r.url, r.post_data)) if r.method == "POST" else None
    )
    with page.expect_navigation(timeout=30_000):
        page.locator("[data-enrol]").click()
    enrol_posts = [body for url, body in requests if "/api/v1/certificates/enrol/" in url]
    assert len(enrol_posts) == 2
    assert all("PRIVATE" not in (body or "") and '"d"' not in (body or "") for body in enrol_posts)
    certificate = IssuedCertificate.objects.get(user=signer)
    page.locator(
        f'tr[data-certificate-serial="{certificate.serial_hex}"][data-key-here="yes"]'
    ).wait_for()
    # The key in IndexedDB cannot be read out: WebCrypto made it non-extractable.
    extractable = page.evaluate(
        """async () => {
          const db = await new Promise((ok, ko) => {
            const r = indexedDB.open("innocluster-signing-keys"); r.onsuccess = () => ok(r.result);
            r.onerror = () => ko(r.error); });
          const all = await new Promise((ok) => {
            const r = db.transaction("keys").objectStore("keys").getAll(); r.onsuccess = () => ok(r.result); });
          return all.map((k) => k.privateKey.extractable);
        }"""
    )
    assert extractable == [False]

    # The document: signed in the browser, and the page shows the signature as valid.
    page.goto(f"/documents/{document.pk}/")
    assert page.locator("[data-signing-controls]").is_visible()
    assert page.locator("[data-signing-certificate]").input_value() == certificate.serial_hex
    with page.expect_navigation(timeout=30_000):
        page.locator("[data-sign-in-browser]").click()
    signature = Signature.objects.get(document=document)
    assert signature.kind == "enhanced" and signature.report["valid"] is True
    assert signature.certificate_serial == certificate.serial_hex
    card = page.locator(".signature-card").first
    assert card.locator(".verdict-valid").is_visible()
    assert certificate.serial_hex in card.inner_text()
    document.refresh_from_db()
    assert document.status == "partly_signed"
    axe_check(page, "document page with an enhanced signature")

    # The Fund's signatory countersigns; the document is signed.
    pytest.importorskip("innocluster.pki.pades", reason="the Fund's PAdES signer is not there yet")
    director = fund_signatory()
    page.context.clear_cookies()
    login(page, director)
    page.goto(f"/documents/{document.pk}/")
    page.locator("#id_confirm").check()
    with page.expect_navigation(timeout=30_000):
        page.locator("form[action$='/countersign/'] button[type=submit]").click()
    document = Document.objects.get(pk=document.pk)
    assert document.status == "signed"
    assert page.locator(".doc-status-signed").first.is_visible()
    assert page.locator(".signature-card .verdict-valid").count() == 2
    use_language(page, "en")
    use_a11y(page, scheme="brown_on_beige", font_size="xlarge", images=False)
    page.reload()
    axe_check(page, "signed document page (en, brown on beige)")


def test_a_key_from_another_browser_is_reported_clearly(page):
    """A certificate whose key this browser does not hold: the page says so, nothing is sent."""
    from innocluster.documents.models import Signature
    from tests.documents.factories import org_with_signatory
    from tests.documents.pki_helpers import platform_signer

    org, signer = org_with_signatory()
    platform_signer(signer, org)  # its key lives in this test, not in the browser
    document = sent_pdf(org, with_fund=False)
    login(page, signer)
    page.goto(f"/documents/{document.pk}/")
    # The certificate is marked as one whose key is elsewhere.
    page.wait_for_function(
        "document.querySelector('[data-signing-certificate] option').textContent.endsWith(')')"
    )
    page.locator("[data-sign-in-browser]").click()
    page.locator("[data-signing-error]").wait_for(state="visible")
    assert page.locator("[data-signing-error]").get_attribute("role") == "alert"
    assert not Signature.objects.filter(document=document).exists()
    axe_check(page, "document page with a signing error")


def test_without_webcrypto_the_page_offers_the_alternatives(browser, live_url):
    """No script at all: the fallback text stays, the simple signature works."""
    from tests.accounts.factories import PASSWORD
    from tests.documents.factories import org_with_signatory

    org, signer = org_with_signatory()
    document = sent_pdf(org, with_fund=False)
    context = browser.new_context(base_url=live_url, locale="ru-RU", java_script_enabled=False)
    context.ic_base_url = live_url
    try:
        page = context.new_page()
        login(page, signer)
        page.goto(f"/documents/{document.pk}/")
        assert page.locator("[data-signing-fallback]").is_visible()
        assert "innocluster sign" in page.locator("[data-signing-fallback]").inner_text()
        assert page.locator("[data-signing-controls]").is_hidden()
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.locator("form[action$='/sign/'] button[type=submit]").click()
        assert page.locator(".signature-card .verdict-valid").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize(("language", "a11y"), MODES)
def test_documents_pages_have_no_serious_axe_violations(page, language, a11y):
    from tests.documents.factories import org_with_signatory, person
    from tests.documents.pki_helpers import platform_signer

    org, signer = org_with_signatory()
    person(org, "editor")
    platform_signer(signer, org)
    document = sent_pdf(org)
    use_language(page, language)
    if a11y:
        use_a11y(page, **a11y)
    login(page, signer)
    for url in ["/documents/", "/documents/outbox/", f"/documents/{document.pk}/",
                "/documents/certificates/", "/documents/new/"]:  # fmt: skip
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        axe_check(page, f"{url} [{language}, {a11y}]")
    # Errors shown next to the fields are accessible too.
    page.goto(f"/documents/{document.pk}/")
    page.fill("#id_reject-reason", "   ")  # blank once trimmed: the server refuses it
    with page.expect_navigation():
        page.locator("form[action$='/reject/'] button[type=submit]").click()
    assert page.locator("#id_reject-reason_error").is_visible()
    axe_check(page, f"document page with an error [{language}, {a11y}]")
    page.goto("/documents/new/")
    page.fill("#id_title", "Письмо")
    page.fill("#id_body", "Текст письма")
    page.fill("#id_recipients", "0000000000")  # no such organisation
    with page.expect_navigation():
        page.locator("form.create-form button[type=submit]").click()
    assert page.locator("#id_recipients_error").is_visible()
    axe_check(page, f"create page with errors [{language}, {a11y}]")


def test_operators_list_in_flight_has_no_serious_axe_violations(page):
    from tests.accounts.factories import FundOperatorFactory
    from tests.documents.factories import org_with_signatory

    org, _signer = org_with_signatory()
    late = sent_pdf(org, with_fund=False, title="Просроченный договор")
    late.steps.update(deadline=timezone.now() - dt.timedelta(days=1))
    sent_pdf(org, with_fund=False)
    login(page, FundOperatorFactory())
    page.goto("/documents/in-flight/")
    assert page.locator("tr.overdue").count() == 1
    axe_check(page, "documents in flight")
