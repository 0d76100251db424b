"""The navigator's portal pages: the questionnaire, the single form, results with filters, save
and share, measure pages, subscriptions and alerts, and the operators' rule editor."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from innocluster.navigator.evaluation import Catalogue
from innocluster.navigator.fields import check_answers
from innocluster.navigator.models import Alert, Measure, RuleVersion, SavedResult, Subscription
from innocluster.navigator.samples import samples
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.navigator.factories import InstitutionFactory, MeasureFactory
from tests.registry.factories import MemberOrganisationFactory, OrganisationRoleFactory

pytestmark = pytest.mark.django_db

SME_RULE = {
    "all": [
        {"field": "sme_category", "in": ["micro", "small", "medium"]},
        {"field": "region", "eq": "RU-MOW"},
    ]
}
TRL_RULE = {"all": [{"field": "trl", "between": [3, 7]}, {"field": "cluster_member", "eq": True}]}
YOUNG_RULE = {"field": "person_age", "le": 35}


@pytest.fixture(autouse=True)
def _fresh_catalogue():
    """Each test builds its own catalogue; the compiled one is cached per process."""
    Catalogue._cached = None
    yield
    Catalogue._cached = None


@pytest.fixture
def en_client() -> Client:
    english = Client()
    english.cookies["ic_lang"] = "en"
    return english


@pytest.fixture
def catalogue():
    fasie = InstitutionFactory(code="fasie", name_ru="Фонд содействия инновациям", name_en="FASIE")
    city = InstitutionFactory(code="city-fund", name_ru="Городской фонд", name_en="City Fund")
    return {
        "sme": MeasureFactory(
            code="sme-grant",
            provider=fasie,
            name_ru="Грант малому бизнесу",
            name_en="Small business grant",
            rules=SME_RULE,
            purposes=["rnd"],
        ),
        "trl": MeasureFactory(
            code="cluster-loan",
            provider=city,
            form="loan",
            name_ru="Заём участникам кластера",
            name_en="Cluster members' loan",
            purposes=["equipment"],
            rules=TRL_RULE,
            rate_percent_min=3,
            rate_percent_max=5,
            term_months=60,
        ),
        "young": MeasureFactory(
            code="young-researcher",
            provider=fasie,
            name_ru="Грант молодым учёным",
            name_en="Young researchers' grant",
            rules=YOUNG_RULE,
        ),
    }


def html_of(response) -> str:
    return response.content.decode()


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


# --- every page renders, in Russian and English ------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/navigator/",
        "/navigator/?started=1",
        "/navigator/form/",
        "/navigator/results/?region=RU-MOW",
        "/navigator/measures/",
        "/navigator/measures/sme-grant/",
    ],
)
def test_pages_render_in_both_languages(client, en_client, catalogue, url):
    ru = client.get(url)
    assert ru.status_code == 200, url
    assert '<html lang="ru"' in html_of(ru)
    assert 'class="nav-sub' in html_of(ru) and "<h1>" in html_of(ru)
    en = en_client.get(url)
    assert en.status_code == 200, url
    assert '<html lang="en"' in html_of(en)
    assert "Support navigator" in html_of(en)


def test_intro_then_the_first_question_is_the_evaluations_next_question(client, catalogue):
    html = html_of(client.get("/navigator/"))
    assert 'name="started"' in html
    response = client.get("/navigator/", {"started": "1"})
    html = html_of(response)
    assert 'name="step"' in html
    step = re.search(r'name="step" value="([a-z_0-9]+)"', html).group(1)
    assert step in {"sme_category", "region", "trl", "cluster_member", "person_age"}
    assert "Skip" in html or "Пропустить" in html
    assert 'aria-live="polite"' in html


def test_questionnaire_advances_keeps_answers_in_the_address_and_offers_change(
    en_client, catalogue
):
    response = en_client.get("/navigator/", {"started": "1", "step": "region", "region": "RU-MOW"})
    html = html_of(response)
    assert response.status_code == 200
    assert 'type="hidden" name="region" value="RU-MOW"' in html
    assert 'name="step" value="region"' not in html  # region is answered, not asked again
    assert "Change<span" in html and "ask=region" in html
    assert "Moscow (RU-MOW)" in html  # the answers list names the region
    # The change link asks region again, with its answer filled in.
    response = en_client.get("/navigator/", {"started": "1", "region": "RU-MOW", "ask": "region"})
    html = html_of(response)
    assert 'name="step" value="region"' in html
    assert re.search(r'<option value="RU-MOW"[^>]*selected', html)


def test_skip_is_not_asked_again_and_results_come_when_nothing_is_left(client, catalogue):
    skipped: list[str] = []
    for _ in range(10):
        response = client.get("/navigator/", {"started": "1", "skip": skipped})
        if response.status_code == 302:
            break
        step = re.search(r'name="step" value="([a-z_0-9]+)"', html_of(response)).group(1)
        assert step not in skipped
        skipped.append(step)
    assert response.status_code == 302
    assert response["Location"].startswith("/navigator/results/?")
    assert set(skipped) >= {"sme_category", "region", "trl", "cluster_member", "person_age"}


def test_boolean_dont_know_counts_as_skipped(client, catalogue):
    response = client.get(
        "/navigator/", {"started": "1", "step": "cluster_member", "cluster_member": "unknown"}
    )
    html = html_of(response)
    assert 'name="skip" value="cluster_member"' in html
    assert 'name="step" value="cluster_member"' not in html


def test_member_gets_the_registry_profile_and_only_the_rest_is_asked(client, catalogue):
    user = UserFactory()
    org = MemberOrganisationFactory(employees=12, sme_category="micro", region_id="RU-MOW")
    OrganisationRoleFactory(organisation=org, user=user, role="editor")
    client.force_login(user)
    html = html_of(client.get("/navigator/"))
    assert f'value="{org.pk}"' in html  # the registry selector
    response = client.get("/navigator/", {"started": "1", "prefill": str(org.pk)})
    assert response.status_code == 302
    pairs = query_of(response["Location"])
    assert ("region", "RU-MOW") in pairs and ("sme_category", "micro") in pairs
    assert ("cluster_member", "yes") in pairs and ("org", str(org.pk)) in pairs
    html = html_of(client.get(response["Location"]))
    step = re.search(r'name="step" value="([a-z_0-9]+)"', html).group(1)
    assert step not in {"region", "sme_category", "cluster_member", "org_form", "kind"}
    assert step in {"trl", "person_age"}
    assert "(from the registry)" in html or "(из реестра)" in html
    # The SME grant already fits from the registry alone.
    assert "1 мера подходит" in html or "1 measure fits" in html


def test_prefill_of_someone_elses_organisation_is_404(client, catalogue):
    client.force_login(UserFactory())
    other = MemberOrganisationFactory()
    assert client.get("/navigator/", {"prefill": str(other.pk)}).status_code == 404
    assert client.get("/navigator/", {"prefill": "not-a-uuid"}).status_code == 404


def test_invalid_step_input_shows_the_field_error_and_changes_nothing(en_client, catalogue):
    before = SavedResult.objects.count()
    response = en_client.get(
        "/navigator/", {"started": "1", "step": "trl", "trl": "12", "region": "RU-MOW"}
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "error-summary" in html
    assert "profile.trl" in html and "must be at most 9" in html
    assert 'href="#id_trl"' in html and 'aria-invalid="true"' in html
    assert 'name="step" value="trl"' in html  # the same question again
    assert 'type="hidden" name="region" value="RU-MOW"' in html  # earlier answers kept
    assert SavedResult.objects.count() == before
    # Two wrong answers: the first is asked again, the other is named too; "results" waits.
    response = en_client.get(
        "/navigator/",
        {"started": "1", "trl": "12", "person_age": "-1", "results": "1"},
    )
    assert response.status_code == 400
    html = html_of(response)
    assert 'name="step" value="trl"' in html
    assert "profile.person_age" in html and "must be at least 0" in html


def test_single_form_has_every_field_and_its_errors(en_client, catalogue):
    html = html_of(en_client.get("/navigator/form/"))
    for name in ("org_form", "registered_on", "trl", "purposes", "own_funds_share"):
        assert f'name="{name}"' in html
    assert 'action="/navigator/results/"' in html and 'method="get"' in html
    response = en_client.get("/navigator/results/", {"amount_rub": "-5", "trl": "0"})
    assert response.status_code == 400
    html = html_of(response)
    assert "must not be negative" in html and "must be at least 1" in html
    assert 'id="id_amount_rub_error"' in html


# --- results -----------------------------------------------------------------------------------


def test_results_order_reasons_and_collapsed_ineligible(en_client, catalogue):
    response = en_client.get(
        "/navigator/results/",
        {"sme_category": "micro", "region": "RU-MOW", "person_age": "50", "trl": "5"},
    )
    html = html_of(response)
    eligible = html.index("Small business grant")
    maybe = html.index("Cluster members&#x27;")
    details = html.index('<details class="ineligible">')
    young = html.index("Young researchers&#x27; grant")
    assert eligible < maybe < details < young
    assert "To decide, answer" in html and "ask=cluster_member" in html
    assert "Needed" in html and "Your answer" in html
    assert "at most 35" in html and "not met" in html
    assert "rate 3%–5% a year" in html


def test_results_filters_by_form_provider_and_purpose(en_client, catalogue):
    base = {"region": "RU-MOW"}
    html = html_of(en_client.get("/navigator/results/", {**base, "f_form": "loan"}))
    assert "Cluster members&#x27; loan" in html and "Small business grant" not in html
    html = html_of(en_client.get("/navigator/results/", {**base, "f_provider": "fasie"}))
    assert "Small business grant" in html and "Cluster members&#x27; loan" not in html
    html = html_of(en_client.get("/navigator/results/", {**base, "f_purpose": "equipment"}))
    assert "Cluster members&#x27; loan" in html and "Small business grant" not in html


def test_nothing_eligible_shows_closest_and_other_help(en_client, catalogue):
    html = html_of(
        en_client.get(
            "/navigator/results/",
            {"region": "RU-SPE", "person_age": "60", "cluster_member": "no", "trl": "1"},
        )
    )
    assert "No measure fits these answers yet" in html
    assert "What would make it fit" in html
    assert "Ask the Fund" in html and "Join the cluster" in html


def test_save_and_share_round_trip(en_client, catalogue):
    response = en_client.post(
        "/navigator/results/save/",
        {"sme_category": "micro", "region": "RU-MOW", "own_funds_share": "0.3", "trl": "5"},
    )
    assert response.status_code == 302
    saved = SavedResult.objects.get()
    assert response["Location"] == f"/navigator/results/{saved.pk}/"
    assert saved.profile == {"sme_category": "micro", "region": "RU-MOW", "trl": 5}
    assert saved.need == {"own_funds_share": "0.3"}
    html = html_of(en_client.get(response["Location"]))
    assert f"http://testserver/navigator/results/{saved.pk}/" in html  # the share link
    assert "Small business grant" in html and "Saved result" in html
    # A later catalogue change shows on the same link (answers are saved, not verdicts).
    Measure.objects.filter(code="sme-grant").update(rules={"field": "region", "eq": "RU-SPE"})
    Catalogue._cached = None
    html = html_of(en_client.get(response["Location"]))
    eligible_section = html.split('id="eligible-heading"')[1].split('id="maybe-heading"')[0]
    assert "Small business grant" not in eligible_section


def test_save_refuses_invalid_answers(client, catalogue):
    response = client.post("/navigator/results/save/", {"trl": "12"})
    assert response.status_code == 400
    assert not SavedResult.objects.exists()


def test_unknown_saved_result_is_404(client):
    assert client.get("/navigator/results/0190b3c4-0000-7000-8000-000000000000/").status_code == 404


# --- the catalogue -----------------------------------------------------------------------------


def test_measure_list_filters_and_search(en_client, catalogue):
    MeasureFactory(code="old-one", name_en="Old grant", status="closed")
    html = html_of(en_client.get("/navigator/measures/"))
    assert "Small business grant" in html and "Old grant" in html
    html = html_of(en_client.get("/navigator/measures/", {"form": "loan"}))
    assert "Cluster members&#x27; loan" in html and "Small business grant" not in html
    html = html_of(en_client.get("/navigator/measures/", {"status": "closed"}))
    assert "Old grant" in html and "Small business grant" not in html
    html = html_of(en_client.get("/navigator/measures/", {"provider": "city-fund"}))
    assert "Cluster members&#x27; loan" in html and "Young researchers" not in html
    html = html_of(en_client.get("/navigator/measures/", {"purpose": "equipment"}))
    assert "Cluster members&#x27; loan" in html and "Small business grant" not in html
    client = Client()
    html = html_of(client.get("/navigator/measures/", {"q": "ГРАНТ малому"}))
    assert "Грант малому бизнесу" in html and "Заём участникам" not in html
    response = en_client.get("/navigator/measures/", {"form": "spaceship"})
    assert response.status_code == 400


def test_measure_page_shows_terms_and_criteria_in_words(en_client, catalogue):
    Measure.objects.filter(code="cluster-loan").update(
        legal_act="Resolution No. 1",
        source_url="https://example.org/loan",
        cofinancing_min_share="0.3",
    )
    html = html_of(en_client.get("/navigator/measures/cluster-loan/"))
    assert "Resolution No. 1" in html and "https://example.org/loan" in html
    assert "from 3 to 7" in html  # TRL between, in words
    assert "Member of the cluster" in html
    assert "at least 30%" in html  # the co-financing requirement
    assert "All of these:" in html
    Measure.objects.filter(code="young-researcher").update(
        rules={"any": [{"field": "person_age", "le": 35}, {"not": {"field": "trl", "ge": 5}}]}
    )
    html = html_of(en_client.get("/navigator/measures/young-researcher/"))
    assert "At least one of these:" in html and "Not this:" in html
    assert "All of these:" not in html
    assert en_client.get("/navigator/measures/no-such/").status_code == 404


# --- subscriptions and alerts ------------------------------------------------------------------


@pytest.fixture
def member(catalogue):
    user = UserFactory()
    org = MemberOrganisationFactory(region_id="RU-MOW", sme_category="micro")
    OrganisationRoleFactory(organisation=org, user=user, role="owner")
    return user, org


def test_member_subscribes_and_unsubscribes(client, member):
    user, org = member
    client.force_login(user)
    html = html_of(client.get("/navigator/measures/sme-grant/"))
    assert 'action="/navigator/subscribe/"' in html
    response = client.post(
        "/navigator/subscribe/",
        {
            "organisation": str(org.pk),
            "next": "/navigator/measures/sme-grant/",
            "trl": "5",
            "taxes_paid_moscow_rub": "1 200 000",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/navigator/measures/sme-grant/"
    subscription = Subscription.objects.get(organisation=org)
    assert subscription.active
    assert subscription.answers == {"trl": 5, "taxes_paid_moscow_rub": 1_200_000}
    assert "sme-grant" in subscription.eligible
    html = html_of(client.get("/navigator/measures/sme-grant/"))
    assert 'action="/navigator/unsubscribe/"' in html
    client.post("/navigator/unsubscribe/", {"organisation": str(org.pk)})
    subscription.refresh_from_db()
    assert not subscription.active


def test_subscribe_is_refused_to_anonymous_strangers_and_viewers(client, member):
    _user, org = member
    response = client.post("/navigator/subscribe/", {"organisation": str(org.pk)})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.post("/navigator/subscribe/", {"organisation": str(org.pk)}).status_code == 404
    viewer = UserFactory()
    OrganisationRoleFactory(organisation=org, user=viewer, role="viewer")
    client.force_login(viewer)
    html = html_of(client.get("/navigator/measures/sme-grant/"))
    assert 'action="/navigator/subscribe/"' not in html
    response = client.post("/navigator/subscribe/", {"organisation": str(org.pk)}, follow=True)
    assert "owners, editors and signatories" in html_of(response) or "владельц" in html_of(response)
    assert not Subscription.objects.exists()
    # Anonymous users may not open the alerts either.
    assert Client().get("/navigator/alerts/").status_code == 302


def test_alerts_list_unread_count_and_mark_as_read(en_client, member, catalogue):
    user, org = member
    subscription = Subscription.objects.create(organisation=org, email=user.email, created_by=user)
    first = Alert.objects.create(
        subscription=subscription, measure=catalogue["sme"], rules_version=1
    )
    Alert.objects.create(subscription=subscription, measure=catalogue["trl"], rules_version=2)
    stranger_org = MemberOrganisationFactory()
    stranger_sub = Subscription.objects.create(organisation=stranger_org, email="x@example.org")
    Alert.objects.create(subscription=stranger_sub, measure=catalogue["young"], rules_version=1)
    en_client.force_login(user)
    html = html_of(en_client.get("/navigator/alerts/"))
    assert "2 unread" in html
    assert "Small business grant" in html and "Cluster members&#x27; loan" in html
    assert "Young researchers" not in html  # another organisation's
    response = en_client.post(
        "/navigator/alerts/", {"organisation": str(org.pk), "alert": str(first.pk)}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    html = html_of(en_client.get("/navigator/measures/"))
    assert "1 unread" in html
    en_client.post("/navigator/alerts/", {"organisation": str(org.pk)})
    assert not Alert.objects.filter(subscription=subscription, read_at__isnull=True).exists()
    # Not another organisation's alerts.
    assert (
        en_client.post("/navigator/alerts/", {"organisation": str(stranger_org.pk)}).status_code
        == 404
    )
    assert Alert.objects.filter(subscription=stranger_sub, read_at__isnull=True).exists()


# --- operators ---------------------------------------------------------------------------------


def test_manage_is_404_for_everyone_but_staff(client, catalogue):
    for url in ("/navigator/manage/", "/navigator/manage/sme-grant/rules/"):
        assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    for url in ("/navigator/manage/", "/navigator/manage/sme-grant/rules/"):
        assert client.get(url).status_code == 404
    assert (
        client.post("/navigator/manage/sme-grant/rules/", {"action": "publish"}).status_code == 404
    )


def test_samples_are_valid_profiles():
    found = samples()
    assert 6 <= len(found) <= 8
    for sample in found:
        check_answers(sample.profile, sample.need, lenient=True)


def test_operator_tests_publishes_and_sees_history(en_client, catalogue):
    operator = FundOperatorFactory()
    en_client.force_login(operator)
    html = html_of(en_client.get("/navigator/manage/"))
    assert "/navigator/manage/sme-grant/rules/" in html
    html = html_of(en_client.get("/navigator/manage/sme-grant/rules/"))
    assert "&quot;sme_category&quot;" in html  # the published rule, pretty
    edited = '{"field": "person_age", "le": 30}'
    response = en_client.post(
        "/navigator/manage/sme-grant/rules/",
        {"action": "test", "rules": edited, "custom": '{"person_age": 29}'},
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "A 25-year-old researcher" in html and "Your own profile" in html
    row = html.split('data-sample="young_individual"')[1].split("</tr>")[0]
    assert "Eligible" in row
    row = html.split('data-sample="startup"')[1].split("</tr>")[0]
    assert "Eligible" in row and "Maybe" in row and "changed" in row  # published vs edited
    measure = Measure.objects.get(code="sme-grant")
    assert measure.rules == SME_RULE  # testing publishes nothing
    # The live variant answers with the table alone.
    partial = en_client.post(
        "/navigator/manage/sme-grant/rules/",
        {"action": "test", "rules": edited},
        headers={"X-Navigator-Partial": "test"},
    )
    assert "<html" not in html_of(partial) and "data-sample" in html_of(partial)
    response = en_client.post(
        "/navigator/manage/sme-grant/rules/",
        {"action": "publish", "rules": edited, "comment": "Young people only"},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.rules == {"field": "person_age", "le": 30} and measure.rules_version == 1
    en_client.post(
        "/navigator/manage/sme-grant/rules/",
        {"action": "publish", "rules": '{"field": "person_age", "le": 35}', "comment": "35"},
    )
    html = html_of(en_client.get("/navigator/manage/sme-grant/rules/"))
    assert "Version 2" in html and "Version 1" in html and "Young people only" in html
    assert operator.email in html
    assert '<span class="diff-del">-  &quot;le&quot;: 30</span>' in html
    assert '<span class="diff-add">+  &quot;le&quot;: 35</span>' in html


@pytest.mark.parametrize(
    ("rules", "path"),
    [
        ('{"all": [{"field": "trl", "ge": 1}, {"field": "region", "eq": "RU-MOW"}, '
         '{"field": "colour", "eq": "red"}]}', "rules.all[2].field"),
        ('{"field": "trl", "ge": 12}', "rules.ge"),
        ('{"field": "trl", ', "rules: is not valid JSON"),
    ],
)  # fmt: skip
def test_broken_rule_is_refused_and_not_published(en_client, catalogue, rules, path):
    en_client.force_login(FundOperatorFactory())
    for action in ("publish", "test"):
        response = en_client.post(
            "/navigator/manage/sme-grant/rules/", {"action": action, "rules": rules}
        )
        assert response.status_code == 400
        html = html_of(response)
        assert path in html
        assert 'id="id_rules_error"' in html and "Nothing was published" in html
    measure = Measure.objects.get(code="sme-grant")
    assert measure.rules == SME_RULE and measure.rules_version == 0
    assert not RuleVersion.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/navigator/?trl=abc&registered_on=2099-01-01&region=zz&okved=XX&purposes=bogus",
        "/navigator/?started=1&skip=nonsense&ask=nonsense&org=not-a-uuid",
        "/navigator/?started=1&employees=%00&okved_main=%00&own_funds_share=2",
        "/navigator/results/?f_form=zzz&f_provider=%00&cluster_member=perhaps",
        "/navigator/results/?prior_support=A%20B&priority_areas=space&kind=dragon",
        "/navigator/form/?amount_rub=1e999&project_budget_rub=NaN&registered_on=31.12.2020",
        "/navigator/measures/?page=abc&q=%00&status=bogus",
        "/navigator/results/?org=00000000-0000-0000-0000-000000000000&region=RU-MOW",
    ],
)
def test_malformed_input_is_never_a_server_error(client, catalogue, url):
    response = client.get(url)
    assert response.status_code in (200, 302, 400), url


def test_malformed_posts_are_never_a_server_error(client, catalogue):
    client.force_login(UserFactory())
    assert client.post("/navigator/subscribe/", {"organisation": "%00"}).status_code == 404
    assert client.post("/navigator/unsubscribe/", {}).status_code == 404
    assert client.post("/navigator/alerts/", {"organisation": "x"}).status_code == 404
    assert client.post("/navigator/results/save/", {"trl": "\x00"}).status_code == 400


def test_measure_page_from_the_results_shows_the_verdict_for_those_answers(en_client, catalogue):
    html = html_of(en_client.get("/navigator/results/", {"region": "RU-MOW", "trl": "5"}))
    assert "/navigator/measures/cluster-loan/?region=RU-MOW&amp;trl=5" in html
    html = html_of(
        en_client.get("/navigator/measures/cluster-loan/", {"region": "RU-MOW", "trl": "5"})
    )
    assert "For your answers" in html and "Maybe" in html
    assert "/navigator/results/?region=RU-MOW&amp;trl=5" in html
    html = html_of(en_client.get("/navigator/measures/cluster-loan/"))
    assert "For your answers" not in html


def test_results_and_catalogue_query_counts_do_not_grow_with_the_catalogue(
    client, catalogue, django_assert_max_num_queries
):
    provider = InstitutionFactory(code="many")
    for n in range(30):
        MeasureFactory(code=f"bulk-{n}", provider=provider, rules=SME_RULE)
    Catalogue._cached = None
    client.get("/navigator/results/", {"region": "RU-MOW"})  # compiles the catalogue once
    with django_assert_max_num_queries(12):
        assert client.get("/navigator/results/", {"region": "RU-MOW"}).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/navigator/measures/").status_code == 200


def test_long_result_lists_are_cut_with_a_pointer_to_the_filters(en_client, catalogue, monkeypatch):
    from innocluster.navigator import views

    monkeypatch.setattr(views, "GROUP_LIMIT", 1)
    MeasureFactory(code="also-maybe", rules={"field": "trl", "ge": 2})
    html = html_of(en_client.get("/navigator/results/", {"region": "RU-MOW"}))
    assert "Maybe: more answers would decide (4)" in html
    assert "And 3 more measures: narrow the list with the filters above." in html


def test_measure_page_states_every_term(en_client, catalogue):
    Measure.objects.filter(code="cluster-loan").update(
        amount_min_rub=1_000_000,
        amount_max_rub=50_000_000,
        cost_share_max="0.8",
        min_project_budget_rub=20_000_000,
        status="upcoming",
        opens_on="2030-01-15",
        as_of="2026-01-01",
        verified_on="2026-02-01",
        how_to_apply_en="Apply online.",
        priority_areas=["ict"],
        stages=["development"],
    )
    html = html_of(en_client.get("/navigator/measures/cluster-loan/"))
    for text in (
        "from 1,000,000 RUB to 50,000,000 RUB",
        "up to 80% of costs",
        "3%–5% a year",
        "60 months",
        "20,000,000 RUB",
        "Upcoming",
        "Apply online.",
        "Information and communication technologies",
        "Development and testing",
        "Terms as of",
        "Verified by the Fund on",
    ):
        assert text in html, text


def test_custom_test_profile_errors_are_named(en_client, catalogue):
    en_client.force_login(FundOperatorFactory())
    url = "/navigator/manage/sme-grant/rules/"
    rules = '{"field": "person_age", "le": 30}'
    html = html_of(en_client.post(url, {"action": "test", "rules": rules, "custom": '{"trl": 12}'}))
    row = html.split('data-sample="custom"')[1].split("</tr>")[0]
    assert "profile.trl: must be at most 9" in row
    html = html_of(
        en_client.post(
            url,
            {"action": "test", "rules": rules, "custom": '{"profile": {"person_age": 20}}'},
        )
    )
    assert "Eligible" in html.split('data-sample="custom"')[1].split("</tr>")[0]
    response = en_client.post(url, {"action": "test", "rules": rules, "custom": "{oops"})
    assert response.status_code == 400
    assert "custom: is not valid JSON" in html_of(response)
    assert 'id="id_custom_error"' in html_of(response)
