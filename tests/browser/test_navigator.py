"""The support navigator in a real browser: the questionnaire to the results and a saved link in
Russian and English with axe-core on every page, the single form with script switched off, and
the operators' rule editor (live test, a refused rule, publishing)."""

from __future__ import annotations

import pytest

from innocluster.navigator.evaluation import Catalogue
from innocluster.navigator.models import Measure, RuleVersion
from tests.accounts.factories import FundOperatorFactory
from tests.browser.conftest import axe_check, login, use_language
from tests.navigator.factories import InstitutionFactory, MeasureFactory

pytestmark = pytest.mark.browser

ANSWERS = {
    "region": ("select", "RU-MOW"),
    "sme_category": ("radio", "micro"),
    "trl": ("fill", "5"),
    "cluster_member": ("radio", "yes"),
    "person_age": ("fill", "30"),
    "org_form": ("radio", "legal_entity"),
}


@pytest.fixture
def measures(browser_db):
    Catalogue._cached = None
    fasie = InstitutionFactory(code="fasie", name_ru="Фонд содействия инновациям", name_en="FASIE")
    MeasureFactory(
        code="sme-grant",
        provider=fasie,
        name_ru="Грант малому бизнесу",
        name_en="Small business grant",
        rules={
            "all": [
                {"field": "sme_category", "in": ["micro", "small", "medium"]},
                {"field": "region", "eq": "RU-MOW"},
            ]
        },
    )
    MeasureFactory(
        code="cluster-loan",
        provider=fasie,
        form="loan",
        name_ru="Заём участникам кластера",
        name_en="Cluster members' loan",
        rules={
            "all": [{"field": "trl", "between": [3, 7]}, {"field": "cluster_member", "eq": True}]
        },
    )
    MeasureFactory(
        code="young-researcher",
        provider=fasie,
        name_ru="Грант молодым учёным",
        name_en="Young researchers' grant",
        rules={"field": "person_age", "le": 25},
    )
    yield
    Catalogue._cached = None


def answer_step(page, field: str) -> None:
    how, value = ANSWERS[field]
    if how == "select":
        page.select_option(f"#id_{field}", value)
    elif how == "radio":
        page.check(f"input[name={field}][value={value}]")
    else:
        page.fill(f"#id_{field}", value)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_questionnaire_to_results_and_a_saved_link(page, measures, language):
    use_language(page, language)
    page.goto("/navigator/")
    assert page.locator("html").get_attribute("lang") == language
    axe_check(page, f"navigator intro ({language})")
    page.check("input[name=purposes][value=rnd]")
    with page.expect_navigation():
        page.locator("form.start-form button[type=submit]").click()
    # A wrong answer is refused next to its field, and the page stays accessible.
    first = page.locator("input[name=step]").get_attribute("value")
    if first == "trl":
        page.fill("#id_trl", "12")
        with page.expect_navigation():
            page.locator(".step-form button.button").click()
        assert page.locator("#error-summary").is_visible()
        assert page.locator("#id_trl").get_attribute("aria-invalid") == "true"
        axe_check(page, f"questionnaire step with an error ({language})")
    for _ in range(len(ANSWERS) + 2):
        if "/navigator/results/" in page.url:
            break
        field = page.locator("input[name=step]").get_attribute("value")
        axe_check(page, f"questionnaire step {field} ({language})")
        answer_step(page, field)
        with page.expect_navigation():
            page.locator(".step-form button.button").click()
        assert page.locator("#tally").is_visible()
    assert "/navigator/results/" in page.url
    assert "purposes=rnd" in page.url  # the answers are the address: bookmarkable
    eligible = page.locator("section[aria-labelledby=eligible-heading]")
    name = "Small business grant" if language == "en" else "Грант малому бизнесу"
    assert eligible.get_by_role("link", name=name).is_visible()
    assert page.locator("details.ineligible").get_attribute("open") is None
    axe_check(page, f"results ({language})")
    page.locator("details.ineligible > summary").click()
    axe_check(page, f"results with the ineligible open ({language})")
    assert page.locator("[data-print]").is_visible()  # the script shows the print button
    # Save, and the saved page gives the link to share.
    with page.expect_navigation():
        page.locator("form[action='/navigator/results/save/'] button").click()
    share = page.locator("#share-url").input_value()
    assert "/navigator/results/" in share and share.rstrip("/").count("/") >= 5
    axe_check(page, f"saved result ({language})")
    page.goto(share)
    assert eligible.get_by_role("link", name=name).is_visible()
    # The back button walks back through the questionnaire.
    page.go_back()
    page.go_back()
    assert "/navigator/" in page.url


def test_the_single_form_works_without_javascript(browser, live_url, measures):
    context = browser.new_context(base_url=live_url, locale="en-US", java_script_enabled=False)
    context.add_cookies([{"name": "ic_lang", "value": "en", "url": live_url + "/"}])
    page = context.new_page()
    try:
        page.goto("/navigator/form/")
        page.select_option("#id_region", "RU-MOW")
        page.select_option("#id_sme_category", "micro")
        page.fill("#id_trl", "5")
        page.check("input[name=cluster_member][value=yes]")
        page.check("input[name=purposes][value=rnd]")
        with page.expect_navigation():
            page.locator("form.single-form button[type=submit]").click()
        assert "/navigator/results/" in page.url
        eligible = page.locator("section[aria-labelledby=eligible-heading]")
        assert eligible.get_by_role("link", name="Small business grant").is_visible()
        assert eligible.get_by_role("link", name="Cluster members' loan").is_visible()
        # The print button needs script, so without it it stays hidden.
        assert not page.locator("[data-print]").is_visible()
        # An error comes back next to its field.
        page.goto("/navigator/form/")
        page.fill("#id_amount_rub", "-1")
        with page.expect_navigation():
            page.locator("form.single-form button[type=submit]").click()
        assert page.locator("#id_amount_rub_error").is_visible()
        # The questionnaire also works without script.
        page.goto("/navigator/?started=1")
        field = page.locator("input[name=step]").get_attribute("value")
        answer_step(page, field)
        with page.expect_navigation():
            page.locator(".step-form button.button").click()
        assert page.locator(f"input[type=hidden][name={field}]").count() == 1
    finally:
        context.close()


def test_single_form_is_accessible(page, measures):
    use_language(page, "en")
    page.goto("/navigator/form/")
    axe_check(page, "single form (en)")
    page.goto("/navigator/measures/")
    axe_check(page, "catalogue (en)")
    page.goto("/navigator/measures/cluster-loan/")
    axe_check(page, "measure page (en)")


def test_operator_rule_editor(page, measures):
    operator = FundOperatorFactory()
    login(page, operator)
    use_language(page, "en")
    page.goto("/navigator/manage/")
    axe_check(page, "manage measures (en)")
    page.goto("/navigator/manage/young-researcher/rules/")
    axe_check(page, "rule editor (en)")
    page.fill("#id_rules", '{"field": "person_age", "le": 35}')
    url = page.url
    page.locator("[data-test-button]").click()  # live: answered in place, no navigation
    page.locator("#test-results tr[data-sample=young_individual]").wait_for()
    assert page.url == url
    row = page.locator("#test-results tr[data-sample=young_individual]")
    assert "Eligible" in row.inner_text()
    axe_check(page, "rule editor with test results (en)")
    # A broken rule is refused, named by its place, and nothing is published.
    page.fill("#id_rules", '{"all": [{"field": "trl", "ge": 3}, {"field": "colour", "eq": 1}]}')
    with page.expect_navigation():
        page.locator("button[name=action][value=publish]").click()
    assert "rules.all[1].field" in page.locator("#id_rules_error").inner_text()
    axe_check(page, "rule editor with an error (en)")
    assert not RuleVersion.objects.exists()
    page.fill("#id_rules", '{"field": "person_age", "le": 35}')
    page.fill("#id_comment", "Up to 35")
    with page.expect_navigation():
        page.locator("button[name=action][value=publish]").click()
    assert page.get_by_text("Version 1", exact=True).is_visible()
    assert Measure.objects.get(code="young-researcher").rules == {"field": "person_age", "le": 35}
    page.locator(".history details summary").first.click()
    axe_check(page, "rule history (en)")


def test_member_subscribes_and_reads_alerts(page, measures):
    from innocluster.navigator.models import Alert, Subscription
    from tests.accounts.factories import UserFactory
    from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

    user = UserFactory()
    org = MemberOrganisationFactory(region_id="RU-MOW", sme_category="micro")
    OrganisationRoleFactory(organisation=org, user=user, role="owner")
    login(page, user)
    use_language(page, "en")
    page.goto("/navigator/")
    axe_check(page, "navigator intro for a member (en)")
    with page.expect_navigation():
        page.locator("form.start-form button[type=submit]").click()
    assert f"org={org.pk}" in page.url and "region=RU-MOW" in page.url
    axe_check(page, "questionnaire filled in from the registry (en)")
    with page.expect_navigation():
        page.locator("button[name=results]").click()
    axe_check(page, "results with the subscription box (en)")
    with page.expect_navigation():
        page.locator("form[action='/navigator/subscribe/'] button").click()
    assert Subscription.objects.get(organisation=org).active
    subscription = Subscription.objects.get(organisation=org)
    Alert.objects.create(
        subscription=subscription,
        measure=Measure.objects.get(code="cluster-loan"),
        rules_version=1,
    )
    page.goto("/navigator/alerts/")
    assert "1 unread" in page.locator(".nav-sub").inner_text()
    axe_check(page, "alerts (en)")
    with page.expect_navigation():
        page.locator("ul.alerts form button").click()
    assert page.locator(".count-badge").count() == 0
    axe_check(page, "alerts, all read (en)")
