"""The shipped reference catalogue answers real questions correctly, from the facts of
../shared/reference/support-measures.md: for each measure with stated criteria, a business that
meets them is eligible and one that breaks a stated criterion is not; a measure whose criteria
were not found stays "maybe" and asks nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import yaml

from innocluster.navigator.catalogue import REFERENCE_PATH
from innocluster.navigator.evaluation import evaluate
from innocluster.navigator.fields import check_answers
from innocluster.navigator.models import Measure

pytestmark = pytest.mark.usefixtures("reference_catalogue")

TODAY = datetime.date(2026, 11, 27)


def years_ago(years: int, days: int = 0) -> str:
    return (TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=days)).isoformat()


def months_ago(months: int) -> str:
    year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - months, 12)
    return TODAY.replace(year=year, month=month + 1).isoformat()


def answer(code: str, profile: dict | None = None, need: dict | None = None):
    """The navigator's result for measure ``code`` on this profile and need."""
    evaluation = evaluate(check_answers(profile or {}, need or {}, today=TODAY), today=TODAY)
    found = [r for r in evaluation.results if r.code == code]
    assert found, f"{code} is not in the results"
    return found[0]


def verdict(code: str, profile: dict | None = None, need: dict | None = None) -> str:
    return answer(code, profile, need).verdict


MOSCOW_SME_MEMBER = {
    "org_form": "legal_entity",
    "region": "RU-MOW",
    "sme_category": "small",
    "cluster_member": True,
    "okved_main": "26.20",
}


def test_every_measure_of_the_facts_is_shipped_with_its_provider():
    shipped = yaml.safe_load(REFERENCE_PATH.read_text(encoding="utf-8"))
    codes = {m["code"] for m in shipped["measures"]}
    assert len(codes) == 28
    assert set(Measure.objects.values_list("code", flat=True)) == codes
    assert Measure.objects.get(code="fasie-start").provider.code == "fasie"
    assert Measure.objects.get(code="frp-conversion").provider.code == "frp"
    for measure in Measure.objects.all():
        assert measure.name_ru and measure.name_en, measure.code
        assert measure.description_ru and measure.description_en, measure.code
        assert measure.verified_on == TODAY, measure.code
        assert measure.status == "permanent", measure.code


def test_terms_of_the_facts_are_recorded():
    kip = Measure.objects.get(code="mik-kip")
    assert (kip.cost_share_max, kip.amount_max_rub) == (Decimal("0.15"), 200_000_000)
    assert "600" in kip.amount_note_ru and "600" in kip.amount_note_en
    conversion = Measure.objects.get(code="frp-conversion")
    assert conversion.min_project_budget_rub == 400_000_000
    assert conversion.cofinancing_min_share == Decimal("0.5")
    assert (conversion.amount_min_rub, conversion.amount_max_rub) == (200_000_000, 750_000_000)
    assert Measure.objects.get(code="mik-equipment").as_of == datetime.date(2023, 4, 13)
    assert Measure.objects.get(code="rfrit-grant").as_of == datetime.date(2025, 9, 29)
    assert Measure.objects.get(code="moscow-interest-comp").as_of is None  # "Dec 2020": no day
    development = Measure.objects.get(code="frp-development")
    assert (development.rate_percent_min, development.rate_percent_max) == (1, 3)
    assert development.term_months == 60
    assert "50%" in Measure.objects.get(code="mik-patent-abroad").amount_note_en


# ------------------------------------------------------------------ the cluster Fund


def test_kip_is_for_cluster_members():
    assert verdict("mik-kip", {"cluster_member": True}) == "eligible"
    assert verdict("mik-kip", {"cluster_member": False}) == "ineligible"
    assert answer("mik-kip", {}).missing == ("cluster_member",)


def test_consortium_grant_needs_a_cluster_member_and_asks_to_confirm_the_consortium():
    assert verdict("mik-consortium", {"cluster_member": True}) == "eligible"
    assert verdict("mik-consortium", {"cluster_member": False}) == "ineligible"


def test_equipment_grant_moscow_sme_cluster_member_in_electronics():
    assert verdict("mik-equipment", MOSCOW_SME_MEMBER) == "eligible"
    assert verdict("mik-equipment", {**MOSCOW_SME_MEMBER, "region": "RU-SPE"}) == "ineligible"
    assert verdict("mik-equipment", {**MOSCOW_SME_MEMBER, "sme_category": "large"}) == "ineligible"
    assert verdict("mik-equipment", {**MOSCOW_SME_MEMBER, "cluster_member": False}) == "ineligible"


def test_equipment_grant_reads_science_industry_and_it_from_any_okved_code():
    trade = {**MOSCOW_SME_MEMBER, "okved_main": "47.11"}
    # Retail as the main code: another code could still be science, industry or IT.
    assert verdict("mik-equipment", trade) == "unknown"
    assert "okved" in answer("mik-equipment", trade).missing
    assert verdict("mik-equipment", {**trade, "okved": ["62.01"]}) == "eligible"
    assert verdict("mik-equipment", {**trade, "okved": ["72.19"]}) == "eligible"
    assert verdict("mik-equipment", {**trade, "okved": ["46.51", "68.20"]}) == "ineligible"


def test_pilot_grant_names_no_applicant_so_it_stays_maybe_and_asks_nothing():
    result = answer("mik-pilot", MOSCOW_SME_MEMBER)
    assert (result.verdict, result.missing) == ("unknown", ())


PATENT_APPLICANT = {
    "org_form": "legal_entity",
    "sme_category": "small",
    "registered_on": years_ago(2),
    "employees": 12,
    "cluster_member": True,
    "holds_russian_patent": True,
}


def test_patenting_abroad_for_a_small_member_holding_a_russian_patent():
    assert verdict("mik-patent-abroad", PATENT_APPLICANT) == "eligible"


@pytest.mark.parametrize(
    "change",
    [
        {"employees": 4},
        {"registered_on": months_ago(11)},
        {"holds_russian_patent": False},
        {"cluster_member": False},
        {"sme_category": "large", "kind": "corporation", "okved_main": "26.20"},
    ],
)
def test_patenting_abroad_refuses_when_a_stated_criterion_fails(change):
    assert verdict("mik-patent-abroad", {**PATENT_APPLICANT, **change}) == "ineligible"


def test_patenting_abroad_is_open_to_universities_and_science_organisations_of_any_size():
    large = {**PATENT_APPLICANT, "sme_category": "large"}
    assert verdict("mik-patent-abroad", {**large, "kind": "university"}) == "eligible"
    assert verdict("mik-patent-abroad", {**large, "okved_main": "71.20"}) == "eligible"
    assert verdict("mik-patent-abroad", {**large, "okved_main": "72.11"}) == "eligible"


# ------------------------------------------------------------------ Moscow and its funds


@pytest.mark.parametrize(
    "code",
    [
        "moscow-interest-comp",
        "mfpip-loan",
        "mfpip-leasing",
        "moscow-sme-guarantee",
        "smecorp-gazelles",
        "fasie-development",
        "fasie-commercialisation",
        "fasie-cooperation",
    ],
)
def test_measures_whose_criteria_were_not_found_are_maybe_with_nothing_to_ask(code):
    result = answer(code, {**MOSCOW_SME_MEMBER, "employees": 20, "revenue_rub": 50_000_000})
    assert result.verdict == "unknown"
    assert result.missing == ()


def test_moscow_investment_credit_is_for_moscow_industrial_companies():
    factory = {"region": "RU-MOW", "okved_main": "25.62"}
    assert verdict("moscow-invest-credit", factory) == "eligible"
    assert verdict("moscow-invest-credit", {**factory, "region": "RU-MOS"}) == "ineligible"
    assert verdict("moscow-invest-credit", {**factory, "okved_main": "62.01"}) == "ineligible"


def test_moscow_oblast_microloans_are_not_for_moscow_city():
    assert verdict("mosreg-microloan", {"region": "RU-MOS"}) == "eligible"
    assert verdict("mosreg-microloan", {"region": "RU-MOW"}) == "ineligible"


# ------------------------------------------------------------------ FASIE


def test_start_is_for_young_small_enterprises():
    young = {"org_form": "legal_entity", "sme_category": "micro", "registered_on": years_ago(1)}
    assert verdict("fasie-start", {**young, "prior_support": []}) == "eligible"
    assert verdict("fasie-start", {**young, "prior_support": ["mik-kip"]}) == "eligible"
    # Until it says which support it had, "never had FASIE support" is undecided.
    assert answer("fasie-start", young).missing == ("prior_support",)


def test_start_refuses_a_small_company_registered_three_years_ago():
    old = {"org_form": "legal_entity", "sme_category": "small", "registered_on": years_ago(3)}
    assert verdict("fasie-start", old) == "ineligible"


def test_start_refuses_a_company_that_had_fasie_support_or_is_not_small():
    young = {"org_form": "legal_entity", "sme_category": "small", "registered_on": years_ago(1)}
    assert verdict("fasie-start", {**young, "prior_support": ["fasie-umnik"]}) == "ineligible"
    assert verdict("fasie-start", {**young, "sme_category": "medium"}) == "ineligible"


def test_start_takes_private_persons():
    assert verdict("fasie-start", {"org_form": "individual"}) == "eligible"


def test_business_start_without_a_start_contract_needs_revenue_under_150_mln():
    assert verdict("fasie-business-start", {"revenue_3y_rub": 90_000_000}) == "eligible"
    over = {"revenue_3y_rub": 200_000_000}
    assert verdict("fasie-business-start", {**over, "prior_support": ["mik-kip"]}) == "ineligible"
    assert verdict("fasie-business-start", over) == "unknown"  # a Start contract would do
    assert verdict("fasie-business-start", {**over, "prior_support": ["fasie-start"]}) == (
        "eligible"
    )


def test_umnik_is_for_persons_aged_18_to_30():
    person = {"org_form": "individual"}
    assert verdict("fasie-umnik", {**person, "person_age": 25}) == "eligible"
    assert verdict("fasie-umnik", {**person, "person_age": 30}) == "eligible"
    assert verdict("fasie-umnik", {**person, "person_age": 31}) == "ineligible"
    assert verdict("fasie-umnik", {**person, "person_age": 17}) == "ineligible"
    assert verdict("fasie-umnik", {"org_form": "legal_entity", "person_age": 25}) == "ineligible"


# ------------------------------------------------------------------ FRP


def test_conversion_fits_a_defence_company_with_a_500_mln_project_half_own_funds():
    defence = {"defence_industry": True}
    need = {"project_budget_rub": 500_000_000, "own_funds_share": 0.5}
    assert verdict("frp-conversion", defence, need) == "eligible"
    assert verdict("frp-conversion", defence, {**need, "project_budget_rub": 300_000_000}) == (
        "ineligible"
    )
    assert verdict("frp-conversion", defence, {**need, "own_funds_share": 0.4}) == "ineligible"
    assert verdict("frp-conversion", {"defence_industry": False}, need) == "ineligible"


def test_conversion_asks_for_the_project_when_the_company_fits():
    result = answer("frp-conversion", {"defence_industry": True})
    assert result.verdict == "unknown"
    assert set(result.missing) == {"project_budget_rub", "own_funds_share"}


def test_development_projects_need_a_125_mln_budget():
    # the sources name no borrower: at best "maybe", with nothing left to ask
    result = answer("frp-development", {}, {"project_budget_rub": 125_000_000})
    assert (result.verdict, result.missing) == ("unknown", ())
    assert verdict("frp-development", {}, {"project_budget_rub": 100_000_000}) == "ineligible"


@pytest.mark.parametrize(
    ("code", "best"), [("frp-components", "unknown"), ("frp-productivity", "eligible")]
)
def test_joint_frp_loans_need_25_mln_budget_and_20_percent_cofinancing(code, best):
    profile = {"productivity_project_participant": True}
    need = {"project_budget_rub": 30_000_000, "own_funds_share": 0.2}
    assert verdict(code, profile, need) == best  # components names no borrower: "maybe"
    assert verdict(code, profile, {**need, "own_funds_share": 0.1}) == "ineligible"
    assert verdict(code, profile, {**need, "project_budget_rub": 20_000_000}) == "ineligible"


def test_productivity_loans_need_the_national_project():
    need = {"project_budget_rub": 30_000_000, "own_funds_share": 0.3}
    profile = {"productivity_project_participant": False}
    assert verdict("frp-productivity", profile, need) == "ineligible"


def test_frp_loans_carry_the_general_frp_rules_as_conditions_to_confirm():
    result = answer("frp-digital", {})
    # no borrower is named: never "eligible" on conditions to confirm alone
    assert (result.verdict, result.missing) == ("unknown", ())
    kinds = [c.op for c in result.entry.compiled.criteria]
    assert kinds == ["unknown", "confirm", "confirm", "confirm"]


# ------------------------------------------------------------------ other institutions


def test_sme_corporation_credit_needs_the_sme_register_and_a_priority_sector():
    borrower = {"sme_register": True, "okved_main": "10.51"}
    assert verdict("smecorp-invest-credit", borrower) == "eligible"
    assert verdict("smecorp-invest-credit", {**borrower, "okved_main": "55.10"}) == "eligible"
    assert verdict("smecorp-invest-credit", {**borrower, "sme_register": False}) == "ineligible"
    shop = {**borrower, "okved_main": "47.11", "okved": ["47.19"]}
    assert verdict("smecorp-invest-credit", shop) == "ineligible"


def test_skolkovo_microgrant_needs_skolkovo_participant():
    assert verdict("skolkovo-microgrant", {"skolkovo_participant": True}) == "eligible"
    assert verdict("skolkovo-microgrant", {"skolkovo_participant": False}) == "ineligible"
    assert answer("skolkovo-microgrant", {}).missing == ("skolkovo_participant",)


def test_rfrit_grant_only_asks_to_confirm_who_applies():
    assert verdict("rfrit-grant", {}) == "eligible"


def test_veb_project_finance_is_for_projects_from_3_bn():
    big = answer("veb-pff", {}, {"project_budget_rub": 3_000_000_000})
    assert (big.verdict, big.missing) == ("unknown", ())  # the sources name no borrower
    assert verdict("veb-pff", {}, {"project_budget_rub": 2_500_000_000}) == "ineligible"
    assert answer("veb-pff", {}).missing == ("project_budget_rub",)


def test_rec_ip_subsidy_is_for_russian_producers_not_foreign_ones():
    assert verdict("rec-ip-abroad", {"org_form": "legal_entity"}) == "eligible"
    assert verdict("rec-ip-abroad", {"org_form": "foreign"}) == "ineligible"
