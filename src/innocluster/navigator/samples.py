"""Sample profiles the operators test an edited eligibility rule against before publishing it:
the kinds of applicant the catalogue serves, each realistic and checked against the field
contract (``fields.check_answers``; tests check every sample passes)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def _years_ago(years: int, today: datetime.date | None = None) -> str:
    today = today or datetime.date.today()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day.isoformat()


@dataclass(frozen=True)
class Sample:
    """One test applicant: a stable code, a name, and its profile and need."""

    code: str
    label: Promise
    profile: dict
    need: dict = field(default_factory=dict)


def samples(today: datetime.date | None = None) -> list[Sample]:
    """The sample applicants (dates relative to ``today``, so their ages stay what they are)."""
    return [
        Sample(
            "startup",
            _("A two-year-old IT startup in Moscow, a Skolkovo participant"),
            {
                "org_form": "legal_entity",
                "kind": "startup",
                "registered_on": _years_ago(2, today),
                "region": "RU-MOW",
                "okved_main": "62.01",
                "employees": 8,
                "revenue_rub": 12_000_000,
                "sme_category": "micro",
                "sme_register": True,
                "cluster_member": True,
                "skolkovo_participant": True,
                "defence_industry": False,
                "priority_areas": ["ict"],
                "trl": 5,
            },
            {"purposes": ["rnd", "commercialisation"], "forms": ["grant"], "amount_rub": 5_000_000},
        ),
        Sample(
            "sme_cluster_member",
            _("A small manufacturer in Moscow, a member of the cluster"),
            {
                "org_form": "legal_entity",
                "kind": "company",
                "registered_on": _years_ago(9, today),
                "region": "RU-MOW",
                "okved_main": "28.41",
                "okved": ["25.62", "33.12"],
                "employees": 65,
                "revenue_rub": 480_000_000,
                "revenue_3y_rub": 1_250_000_000,
                "sme_category": "small",
                "sme_register": True,
                "cluster_member": True,
                "intersectoral_cluster_member": True,
                "defence_industry": False,
                "holds_russian_patent": True,
                "priority_areas": ["manufacturing"],
                "trl": 8,
                "taxes_paid_moscow_rub": 14_000_000,
            },
            {
                "purposes": ["equipment", "production_expansion"],
                "forms": ["loan", "compensation"],
                "amount_rub": 60_000_000,
                "project_budget_rub": 100_000_000,
                "own_funds_share": "0.4",
            },
        ),
        Sample(
            "university",
            _("A state university in Moscow"),
            {
                "org_form": "legal_entity",
                "kind": "university",
                "registered_on": "1992-06-01",
                "region": "RU-MOW",
                "okved_main": "85.22",
                "okved": ["72.19"],
                "employees": 4200,
                "sme_category": "large",
                "sme_register": False,
                "cluster_member": True,
                "defence_industry": False,
                "holds_russian_patent": True,
                "priority_areas": ["materials", "medicine"],
                "trl": 3,
            },
            {"purposes": ["rnd", "patenting"], "forms": ["grant"]},
        ),
        Sample(
            "defence_manufacturer",
            _("A defence-industry manufacturer in the Moscow region"),
            {
                "org_form": "legal_entity",
                "kind": "company",
                "registered_on": "2004-03-15",
                "region": "RU-MOS",
                "okved_main": "30.30",
                "employees": 1800,
                "revenue_rub": 9_500_000_000,
                "sme_category": "large",
                "sme_register": False,
                "cluster_member": False,
                "defence_industry": True,
                "productivity_project_participant": True,
                "priority_areas": ["transport", "manufacturing"],
                "trl": 7,
            },
            {
                "purposes": ["production_expansion"],
                "forms": ["loan"],
                "amount_rub": 500_000_000,
                "project_budget_rub": 900_000_000,
                "own_funds_share": "0.5",
            },
        ),
        Sample(
            "young_individual",
            _("A 25-year-old researcher applying as a private person"),
            {
                "org_form": "individual",
                "kind": "other",
                "region": "RU-MOW",
                "person_age": 25,
                "priority_areas": ["biotech"],
                "trl": 2,
            },
            {"purposes": ["rnd"], "forms": ["grant"], "amount_rub": 1_000_000},
        ),
        Sample(
            "large_corporation",
            _("A large corporation headquartered in Moscow"),
            {
                "org_form": "legal_entity",
                "kind": "corporation",
                "registered_on": "1998-11-20",
                "region": "RU-MOW",
                "okved_main": "61.10",
                "employees": 25_000,
                "revenue_rub": 150_000_000_000,
                "sme_category": "large",
                "sme_register": False,
                "cluster_member": True,
                "defence_industry": False,
                "priority_areas": ["ict", "fintech"],
                "trl": 9,
                "taxes_paid_moscow_rub": 3_000_000_000,
            },
            {
                "purposes": ["pilot_testing", "digitalisation"],
                "forms": ["pilot_testing", "service"],
            },
        ),
        Sample(
            "regional_entrepreneur",
            _("An individual entrepreneur in Tatarstan exporting software"),
            {
                "org_form": "individual_entrepreneur",
                "kind": "company",
                "registered_on": _years_ago(4, today),
                "region": "RU-TA",
                "okved_main": "62.02",
                "employees": 3,
                "revenue_rub": 7_000_000,
                "sme_category": "micro",
                "sme_register": True,
                "cluster_member": False,
                "priority_areas": ["ict"],
                "trl": 9,
            },
            {"purposes": ["export", "patenting_abroad"], "forms": ["compensation", "service"]},
        ),
        Sample(
            "research_institute",
            _("A biotechnology research institute with a patent"),
            {
                "org_form": "legal_entity",
                "kind": "research_institute",
                "registered_on": "1975-01-10",
                "region": "RU-MOW",
                "okved_main": "72.11",
                "employees": 220,
                "revenue_rub": 900_000_000,
                "sme_category": "medium",
                "sme_register": False,
                "cluster_member": True,
                "holds_russian_patent": True,
                "priority_areas": ["biotech", "medicine"],
                "trl": 4,
            },
            {"purposes": ["rnd", "pilot_testing"], "forms": ["grant", "subsidy"]},
        ),
    ]
