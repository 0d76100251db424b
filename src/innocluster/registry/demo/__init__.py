"""Demo data: realistic organisations, membership history, a user for each role and a partner
platform's API token; ``innocluster demo --orgs N`` runs it.

Everything is made up but plausible: identifiers carry correct check digits (and belong to
nobody), names and descriptions are composed from word lists in Russian and English, and the
membership history follows the workflow (applicant → member/partner → suspended/withdrawn).

Speed matters (100,000 organisations in well under a minute on SQLite): rows are built in Python
and written with ``bulk_create`` in one transaction, so ``Organisation.save()`` is bypassed and
the fields it derives (``okved_section``, ``search_document``) are filled here. On SQLite the
full-text trigger is dropped for the bulk insert and the index is rebuilt once at the end by
``search.ensure_search_index`` (which also recreates the trigger).

Idempotent: the number of demo organisations generated so far is kept in the ``demo_organisations``
number sequence; a second run only tops up to ``--orgs``, keeps existing users (resetting a demo
password only if it no longer matches the credentials file) and reuses the API token while its
hash still matches an active token.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from innocluster.accounts.choices import PlatformRole
from innocluster.accounts.models import ApiToken, User, hash_token
from innocluster.core.ids import uuid7
from innocluster.core.models import AuditEvent, NumberSequence

from .. import agreement, search
from .. import demo_identifiers as ids
from ..choices import ApplicationStatus, LegalForm, MembershipStatus, OrganisationKind, OrgRole
from ..models import (
    AgreementAcceptance,
    AnnualRevenue,
    MembershipApplication,
    MembershipStatusChange,
    OkvedCode,
    Organisation,
    OrganisationRole,
)
from ..search import facet_tokens
from ..sme import compute_sme_category
from .rows import indexes_deferred, insert_rows
from .vocabulary import (
    AREA_CODES,
    AREA_WEIGHTS,
    AREAS,
    CITY_BODY_FIELDS,
    CUSTOMERS,
    FEMALE_NAMES,
    FOREIGN_COUNTRIES,
    INSTITUTE_FIELDS,
    KIND_WEIGHTS,
    MALE_NAMES,
    MOSCOW,
    NAME_ROOTS,
    NAME_SUFFIXES,
    NAME_TAILS,
    PARTNER_REGIONS,
    PENDING_REASONS,
    STREETS,
    SURNAMES,
    SUSPEND_REASONS,
    UNIVERSITY_TYPES,
    WITHDRAW_REASONS,
)

DEFAULT_SEED = 20261127
DEMO_COUNTER = "demo_organisations"
MEMBER_SEQUENCE = "member_number"
EMAIL_DOMAIN = "demo.innocluster.local"
ROLES = ["fund_operator", "expert", "board_member", "testsite_owner", "administrator", "member",
         "fund_director"]  # fmt: skip
# Demo roles that are not platform roles: the Fund's director is Fund staff who signs for the Fund.
PLATFORM_ROLE_OF = {"member": PlatformRole.MEMBER, "fund_director": PlatformRole.FUND_OPERATOR}
INTEGRATION_NAME_RU = "Региональный портал поддержки бизнеса"
INTEGRATION_NAME_EN = "Regional business support portal"
TOKEN_NAME = "Demo integration: regional business support portal"  # noqa: S105 (a label)
BATCH = 2000

# --------------------------------------------------------------------------- vocabulary

# --------------------------------------------------------------------------- results


@dataclass
class DemoResult:
    """What one run did."""

    created_organisations: int = 0
    total_demo_organisations: int = 0
    seconds: float = 0.0
    credentials: dict | None = None
    credentials_path: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    # Why the joint-projects demo made nothing (a registry too small for its consortia...).
    joint_projects_skipped: str = ""
    exchange_skipped: str = ""

    @property
    def rate(self) -> float:
        return self.created_organisations / self.seconds if self.seconds else 0.0


# --------------------------------------------------------------------------- generation


class _Builder:
    """Builds organisations and their rows in memory; ``write`` bulk-inserts them."""

    def __init__(self, rng: random.Random, today: date, taken_inns: set, taken_ogrns: set):
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.inns = taken_inns
        self.ogrns = taken_ogrns
        self.okved = dict(OkvedCode.objects.values_list("code", "section"))
        # Rows as dicts keyed by field attname, written by _insert.
        self.orgs: list[dict] = []
        self.areas: list[dict] = []
        self.extra_okved: list[dict] = []
        self.revenues: list[dict] = []
        self.history: list[dict] = []
        self.applications: list[dict] = []
        self.acceptances: list[dict] = []
        self.agreement_sha = hashlib.sha256(agreement.text().encode()).hexdigest()
        with override("ru"):
            self.checks_ok = [
                {"code": "identifiers_valid", "passed": True, "message": _("Identifiers are valid.")},
                {"code": "not_already_member", "passed": True, "message": _("Not yet a member.")},
                {"code": "contact_confirmed", "passed": True, "message": _("The contact e-mail is confirmed.")},
                {"code": "agreement_accepted", "passed": True, "message": _("The accession agreement is accepted.")},
            ]  # fmt: skip
            self.pending_reasons = [_(r) for r in PENDING_REASONS]
        self.regions = [MOSCOW] * 300 + [r for r in PARTNER_REGIONS for _ in range(r[2])]

    # identifiers -------------------------------------------------------------

    def _unique(self, make, taken: set) -> str:
        while True:
            value = make()
            if value not in taken:
                taken.add(value)
                return value

    def _legal_ids(self, region, year):
        inn = self._unique(lambda: ids.legal_entity_inn(self.rng, region[1]), self.inns)
        ogrn = self._unique(lambda: ids.legal_entity_ogrn(self.rng, year, region[1]), self.ogrns)
        kpp = f"{region[1]}{self.rng.randint(1, 35):02d}01001"
        return inn, ogrn, kpp

    def _foreign_number(self, pattern: str) -> str:
        alnum = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        return "".join(
            str(self.rng.randint(0, 9))
            if ch == "d"
            else self.rng.choice(alnum)
            if ch == "A"
            else ch
            for ch in pattern
        )

    # names ----------------------------------------------------------------------

    def _brand(self):
        r = self.rng
        root, suffix, tail = r.choice(NAME_ROOTS), r.choice(NAME_SUFFIXES), r.choice(NAME_TAILS)
        return root[0] + suffix[0] + tail[0], root[1] + suffix[1] + tail[1]

    def _person(self):
        r = self.rng
        surname = r.choice(SURNAMES)
        if r.random() < 0.6:
            first = r.choice(MALE_NAMES)
            return f"{surname[0]} {first[0]} {first[2]}", f"{first[1]} {surname[2]}"
        first = r.choice(FEMALE_NAMES)
        return f"{surname[1]} {first[0]} {first[2]}", f"{first[1]} {surname[3]}"

    @staticmethod
    def _slug(name_en: str) -> str:
        return "".join(ch for ch in name_en.lower() if ch.isalnum())[:40] or "demo"

    def _description(self, area: str, kind: str, name_ru: str, name_en: str, second: str | None):
        r = self.rng
        vocab = AREAS[area]
        product, customer = r.choice(vocab["products"]), r.choice(CUSTOMERS)
        techs = r.sample(vocab["tech"], 2)
        if second:
            techs.append(r.choice(AREAS[second]["tech"]))
        lead = {
            OrganisationKind.STARTUP: ("Технологический стартап. Разрабатываем", "A technology startup. We develop"),
            OrganisationKind.UNIVERSITY: ("Университет ведет исследования и создает", "The university researches and builds"),
            OrganisationKind.RESEARCH_INSTITUTE: ("Институт проводит исследования и разрабатывает", "The institute researches and develops"),
            OrganisationKind.CORPORATION: ("Корпорация внедряет", "The corporation deploys"),
            OrganisationKind.CITY_BODY: ("Учреждение пилотирует в городе", "The institution pilots in the city"),
            OrganisationKind.INVESTOR: ("Фонд инвестирует в компании, которые разрабатывают", "The fund invests in companies that develop"),
            OrganisationKind.DEVELOPMENT_INSTITUTION: ("Институт развития поддерживает проекты, которые создают", "The development institution supports projects that build"),
        }.get(kind, ("Компания разрабатывает и внедряет", "The company develops and deploys"))  # fmt: skip
        ru = f"{lead[0]} {product[0]} {customer[0]}. Технологии: {', '.join(t[0] for t in techs)}."
        en = (
            f"{lead[1]} {product[1]} {customer[1]}. Technologies: {', '.join(t[1] for t in techs)}."
        )
        return ru, en

    # one organisation ------------------------------------------------------------

    def add(self, *, kind=None, legal_form=None, region=None, name=None, status=None, areas=None,
            okved_main=None, website=True) -> dict:  # fmt: skip
        r = self.rng
        if kind is None:
            kind = r.choices([k for k, _ in KIND_WEIGHTS], [w for _, w in KIND_WEIGHTS])[0]
        if legal_form is None:
            roll = r.random()
            if kind in (OrganisationKind.COMPANY, OrganisationKind.STARTUP) and roll < 0.09:
                legal_form = LegalForm.INDIVIDUAL_ENTREPRENEUR
            elif kind in (OrganisationKind.COMPANY, OrganisationKind.STARTUP) and roll < 0.11:
                legal_form = LegalForm.FOREIGN
            else:
                legal_form = LegalForm.LEGAL_ENTITY
        if legal_form == LegalForm.FOREIGN:
            region = None
        elif region is None:
            region = MOSCOW if kind == OrganisationKind.CITY_BODY else r.choice(self.regions)

        # areas and OKVED
        if areas is None:
            first = r.choices(AREA_CODES, AREA_WEIGHTS)[0]
            areas = [first]
            if r.random() < 0.35:
                areas.append(r.choices(AREA_CODES, AREA_WEIGHTS)[0])
            if r.random() < 0.08:
                areas.append(r.choice(AREA_CODES))
            areas = list(dict.fromkeys(areas))
        if kind == OrganisationKind.UNIVERSITY:
            main = okved_main or r.choice(["85.22", "85.22", "85.23", "72.19"])
        elif kind == OrganisationKind.RESEARCH_INSTITUTE:
            main = okved_main or r.choice(["72.19", "72.19", "72.11", "72.19.9", "72.20"])
        elif kind == OrganisationKind.CITY_BODY:
            main = okved_main or r.choice(["84.11", "84.12", "84.13"])
        elif kind == OrganisationKind.INVESTOR:
            main = okved_main or r.choice(["64.99.3", "64.30", "66.30"])
        elif kind == OrganisationKind.DEVELOPMENT_INSTITUTION:
            main = okved_main or r.choice(["84.13", "64.99", "70.22", "82.99"])
        else:
            main = okved_main or r.choice(AREAS[areas[0]]["okved"])
        extra = set()
        for _n in range(r.choice([0, 1, 1, 2, 3])):
            extra.add(r.choice(AREAS[r.choice(areas)]["okved"]))
        if kind in (OrganisationKind.COMPANY, OrganisationKind.STARTUP) and r.random() < 0.4:
            extra.add(r.choice(["72.19", "62.01", "70.22", "46.69", "74.90"]))
        extra.discard(main)

        # registration date and size
        young = kind == OrganisationKind.STARTUP
        reg_year = (
            r.randint(2016, self.today.year - 1) if young else r.randint(1993, self.today.year - 2)
        )
        if kind in (OrganisationKind.UNIVERSITY, OrganisationKind.RESEARCH_INSTITUTE):
            reg_year = r.randint(1992, 2005)  # re-registered after 1991, as real ones were
        registered_on = date(reg_year, r.randint(1, 12), r.randint(1, 28))
        employees, revenue = self._size(kind, legal_form)

        # names and identifiers
        second = areas[1] if len(areas) > 1 else None
        inn = ogrn = None
        kpp = foreign_number = ""
        country = "RU"
        if name is not None:
            name_ru, name_en = name
        if legal_form == LegalForm.INDIVIDUAL_ENTREPRENEUR:
            person_ru, person_en = self._person()
            if name is None:
                name_ru, name_en = f"ИП {person_ru}", f"Individual entrepreneur {person_en}"
            inn = self._unique(lambda: ids.person_inn(r, region[1]), self.inns)
            ogrn = self._unique(lambda: ids.entrepreneur_ogrnip(r, reg_year, region[1]), self.ogrns)
        elif legal_form == LegalForm.FOREIGN:
            country, country_ru, suffix, pattern = r.choice(FOREIGN_COUNTRIES)
            brand_ru, brand_en = self._brand()
            if name is None:
                name_ru, name_en = f"«{brand_ru}» ({country_ru})", f"{brand_en} {suffix}"
            foreign_number = self._foreign_number(pattern)
        else:
            inn, ogrn, kpp = self._legal_ids(region, reg_year)
            if name is None:
                name_ru, name_en = self._name(kind, region, areas[0])
        description_ru, description_en = self._description(areas[0], kind, name_ru, name_en, second)
        slug = self._slug(name_en.split(" Individual")[0])
        contact_ru, _contact_en = self._person()

        org = {
            "id": uuid7(),
            "legal_form": legal_form,
            "kind": kind,
            "name_ru": name_ru,
            "name_en": name_en,
            "inn": inn,
            "ogrn": ogrn,
            "kpp": kpp,
            "country": country,
            "foreign_registration_number": foreign_number,
            "region_id": region[0] if region else None,
            "okved_main_id": main,
            "okved_section": self.okved[main],
            "registered_on": registered_on,
            "employees": employees,
            "sme_category": compute_sme_category(employees, revenue[-1] if revenue else None),
            "website": f"https://{slug}.example" if website else "",
            "description_ru": description_ru,
            "description_en": description_en,
            "contact_name": contact_ru,
            "contact_email": f"info@{slug}.example",
            "contact_phone": f"+7 495 {r.randint(100, 999)}-{r.randint(10, 99)}-{r.randint(10, 99)}",
            "address": self._address(region, r),
            "member_number": None,
            "member_since": None,
        }
        # The model's own method, so the word search reads exactly what save() would have written.
        org["search_document"] = Organisation.build_search_document(SimpleNamespace(**org))
        self._membership(org, status, registered_on)
        org["search_facets"] = " ".join(
            facet_tokens(
                status=org["status"], region=org["region_id"], kind=kind, sme_category=org["sme_category"],
                okved_section=org["okved_section"], legal_form=legal_form, areas=areas,
            )
        )  # fmt: skip
        self.orgs.append(org)
        pk = org["id"]
        self.areas.extend({"organisation_id": pk, "priorityarea_id": code} for code in areas)
        self.extra_okved.extend({"organisation_id": pk, "okvedcode_id": c} for c in sorted(extra))
        for offset, amount in enumerate(revenue):
            year = self.today.year - len(revenue) + offset
            if year >= reg_year:
                self.revenues.append({"organisation_id": pk, "year": year, "revenue_rub": amount})
        return org

    def _name(self, kind, region, area):
        r = self.rng
        brand_ru, brand_en = self._brand()
        city_adj_ru, city_en = region[5], region[6]
        if kind == OrganisationKind.CORPORATION:
            if r.random() < 0.5:
                return f"ПАО «{brand_ru}»", f"{brand_en} PJSC"
            return f"АО «{brand_ru} Холдинг»", f"{brand_en} Holding JSC"
        if kind == OrganisationKind.UNIVERSITY:
            t_ru, t_en = r.choice(UNIVERSITY_TYPES)
            return f"ФГАОУ ВО «{city_adj_ru} {t_ru} университет»", f"{city_en} {t_en} University"
        if kind == OrganisationKind.RESEARCH_INSTITUTE:
            f_ru, f_en, _area = r.choice(INSTITUTE_FIELDS)
            return (
                f"ФГБУН «Институт {f_ru} РАН»",
                f"Institute of {f_en} of the Russian Academy of Sciences",
            )
        if kind == OrganisationKind.CITY_BODY:
            f_ru, f_en, _area = r.choice(CITY_BODY_FIELDS)
            return (
                f"ГБУ города Москвы «Центр {f_ru}»",
                f"Moscow Centre for {f_en} (state institution)",
            )
        if kind == OrganisationKind.INVESTOR:
            return f"ООО «УК {brand_ru} Венчурс»", f"{brand_en} Ventures Management Company LLC"
        if kind == OrganisationKind.DEVELOPMENT_INSTITUTION:
            return f"АНО «Агентство развития {brand_ru}»", f"{brand_en} Development Agency"
        if kind == OrganisationKind.OTHER:
            return f"АНО «Центр компетенций {brand_ru}»", f"{brand_en} Competence Centre"
        if r.random() < 0.85:
            return f"ООО «{brand_ru}»", f"{brand_en} LLC"
        return f"АО «{brand_ru}»", f"{brand_en} JSC"

    @staticmethod
    def _address(region, r) -> str:
        if region is None:
            return ""
        city = "г. Москва" if region[0] == "RU-MOW" else f"г. {region[3]}"
        return f"{city}, {r.choice(STREETS)}, д. {r.randint(1, 120)}"

    def _size(self, kind, legal_form) -> tuple[int, list[Decimal]]:
        """Staff and the revenue of the last three years, in roubles."""
        r = self.rng
        ranges = {
            OrganisationKind.STARTUP: (2, 40, 0.3e6, 60e6),
            OrganisationKind.COMPANY: (5, 400, 5e6, 1500e6),
            OrganisationKind.CORPORATION: (300, 25000, 2e9, 150e9),
            OrganisationKind.UNIVERSITY: (500, 9000, 1e9, 20e9),
            OrganisationKind.RESEARCH_INSTITUTE: (60, 1500, 50e6, 3e9),
            OrganisationKind.CITY_BODY: (40, 2000, 0, 0),
            OrganisationKind.INVESTOR: (3, 60, 10e6, 500e6),
            OrganisationKind.DEVELOPMENT_INSTITUTION: (20, 300, 50e6, 2e9),
            OrganisationKind.OTHER: (3, 80, 2e6, 100e6),
        }
        lo, hi, rev_lo, rev_hi = ranges[kind]
        if legal_form == LegalForm.INDIVIDUAL_ENTREPRENEUR:
            lo, hi, rev_lo, rev_hi = 0, 12, 1e6, 40e6
        employees = int(math.exp(r.uniform(math.log(lo + 1), math.log(hi + 1)))) - 1
        if not rev_hi:
            return employees, []
        latest = math.exp(r.uniform(math.log(rev_lo), math.log(rev_hi)))
        growth = r.uniform(0.85, 1.6)
        revenue = [latest / growth**2, latest / growth, latest]
        return employees, [Decimal(round(v, -3)).quantize(Decimal("0.01")) for v in revenue]

    def _membership(self, org: dict, status, registered_on: date) -> None:
        """Status, admission date, history rows, the application and its agreement acceptance."""
        r = self.rng
        pk = org["id"]
        home = org["region_id"] == settings.CLUSTER_HOME_REGION
        admitted_as = MembershipStatus.MEMBER if home else MembershipStatus.PARTNER
        if status is None:
            roll = r.random()
            status = (
                MembershipStatus.APPLICANT if roll < 0.03
                else MembershipStatus.SUSPENDED if roll < 0.05
                else MembershipStatus.WITHDRAWN if roll < 0.08
                else admitted_as
            )  # fmt: skip
        # The cluster's register opened in 2019; partners from other regions since May 2020.
        start = date(2019, 3, 1) if home else date(2020, 5, 15)
        start = max(start, registered_on + timedelta(days=30))
        span = max((self.today - start).days - 30, 1)
        applied = start + timedelta(days=r.randint(0, span))
        applied_at = datetime.combine(applied, dt_time(r.randint(6, 17), r.randint(0, 59)), UTC)
        rejected = status == MembershipStatus.WITHDRAWN and r.random() < 0.3
        org["status"] = status
        if status == MembershipStatus.APPLICANT or rejected:
            which = r.randrange(len(self.pending_reasons))
            reason = self.pending_reasons[which]
            checks = [dict(c) for c in self.checks_ok]
            if which == 0:  # the applicant's e-mail is not confirmed
                checks[2]["passed"] = None
            else:  # a claim on an organisation someone else administers
                checks.append({"code": "no_other_administrator", "passed": None, "message": reason})
            self.applications.append({
                "id": uuid7(), "organisation_id": pk, "checks": checks, "review_reason": reason,
                "status": ApplicationStatus.REJECTED if rejected else ApplicationStatus.PENDING_REVIEW,
                "decided_at": applied_at + timedelta(days=3) if rejected else None,
                "decision_reason": "Сведения не подтверждены." if rejected else "",
            })  # fmt: skip
            if rejected:
                self.history.append({
                    "organisation_id": pk, "from_status": MembershipStatus.APPLICANT,
                    "to_status": MembershipStatus.WITHDRAWN, "changed_at": applied_at + timedelta(days=3),
                    "reason": "Заявка отклонена: сведения не подтверждены.",
                })  # fmt: skip
        else:
            org["member_since"] = applied
            org["_admitted_at"] = applied_at  # member numbers follow the admission order
            self.applications.append({
                "id": uuid7(), "organisation_id": pk, "status": ApplicationStatus.APPROVED,
                "checks": self.checks_ok, "decided_at": applied_at,
            })  # fmt: skip
            self.history.append({
                "organisation_id": pk, "from_status": MembershipStatus.APPLICANT, "to_status": admitted_as,
                "changed_at": applied_at, "reason": "Все формальные проверки пройдены.",
            })  # fmt: skip
            if status in (MembershipStatus.SUSPENDED, MembershipStatus.WITHDRAWN):
                later = applied_at + timedelta(
                    days=r.randint(60, max(61, (self.today - applied).days))
                )
                later = max(min(later, self.now - timedelta(days=1)), applied_at)
                reasons = (
                    SUSPEND_REASONS if status == MembershipStatus.SUSPENDED else WITHDRAW_REASONS
                )
                self.history.append({
                    "organisation_id": pk, "from_status": admitted_as, "to_status": status,
                    "changed_at": later, "reason": r.choice(reasons),
                })  # fmt: skip
        self.acceptances.append({
            "organisation_id": pk, "signer_label": org["contact_name"] or "demo",
            "agreement_version": agreement.VERSION, "text_sha256": self.agreement_sha,
            "accepted_at": applied_at,
        })  # fmt: skip

    # writing ---------------------------------------------------------------------

    def number_members(self, start: int) -> int:
        """Give admitted organisations member numbers in the order they were admitted; returns
        the last number used."""
        admitted = sorted(
            (o for o in self.orgs if "_admitted_at" in o), key=lambda o: o["_admitted_at"]
        )
        prefix = settings.CLUSTER_MEMBER_NUMBER_PREFIX
        number = start
        for org in admitted:
            number += 1
            org["member_number"] = f"{prefix}-{number:06d}"
        return number

    def _targets(self):
        return (
            ("organisations", Organisation, self.orgs),
            ("priority_areas", Organisation.priority_areas.through, self.areas),
            ("okved_extra", Organisation.okved_extra.through, self.extra_okved),
            ("revenues", AnnualRevenue, self.revenues),
            ("history", MembershipStatusChange, self.history),
            ("applications", MembershipApplication, self.applications),
            ("acceptances", AgreementAcceptance, self.acceptances),
        )

    def tables(self) -> list[str]:
        return [model._meta.db_table for _name, model, _rows in self._targets()]

    def write(self, timings: dict[str, float]) -> None:
        now = self.now
        for name, model, rows in self._targets():
            began = time.perf_counter()
            insert_rows(model, rows, now)
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - began


def _drop_fts_insert_trigger() -> bool:
    """On SQLite, drop the per-row full-text trigger for the bulk insert (ensure_search_index
    recreates it and rebuilds the index in one statement, which is several times faster)."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS registry_org_fts_insert")
    return True


def _analyze() -> None:
    """Refresh the query planner's statistics after the bulk load. Without them PostgreSQL plans
    the registry's queries as if the tables were almost empty (until autovacuum gets there), and
    SQLite picks the status index and sorts all public organisations for every page (measured at
    100,000 organisations: the plain registry list 1,050 ms before, 420 ms after; see
    docs/benchmarks.md)."""
    tables = [
        m._meta.db_table
        for m in (
            Organisation, Organisation.priority_areas.through, Organisation.okved_extra.through,
            AnnualRevenue, MembershipStatusChange, MembershipApplication, AgreementAcceptance,
        )
    ]  # fmt: skip
    quoted = [connection.ops.quote_name(t) for t in tables]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(quoted))
        elif connection.vendor == "sqlite":
            for table in quoted:
                cursor.execute("ANALYZE " + table)


def generate_organisations(count: int, seed: int = DEFAULT_SEED, *, use_trigger: bool = False):
    """Add ``count`` demo organisations with their whole membership history, in one transaction.

    Args:
        count: how many organisations to add.
        seed: the random seed; the same seed and the same starting state give the same data.
        use_trigger: keep SQLite's per-row full-text trigger instead of rebuilding the index once
            (for measuring the difference).
    Returns:
        ``(organisations, timings)``: the created organisations as row dicts, and seconds spent
        per step.
    """
    timings: dict[str, float] = {}
    began = time.perf_counter()
    with transaction.atomic():
        done = NumberSequence.objects.select_for_update().filter(name=DEMO_COUNTER).first()
        done_count = done.value if done else 0
        builder = _new_builder(random.Random(f"{seed}:{done_count}"))
        gc_was_enabled = gc.isenabled()
        gc.disable()  # millions of small objects: the cyclic collector would rescan them all
        try:
            for _n in range(count):
                builder.add()
            _finish(builder, timings, began, use_trigger, count)
        finally:
            if gc_was_enabled:
                gc.enable()
    return builder.orgs, timings


def _new_builder(rng: random.Random) -> _Builder:
    taken_inns = set(Organisation.objects.exclude(inn=None).values_list("inn", flat=True))
    taken_ogrns = set(Organisation.objects.exclude(ogrn=None).values_list("ogrn", flat=True))
    return _Builder(rng, timezone.localdate(), taken_inns, taken_ogrns)


def _finish(
    builder: _Builder, timings, began, use_trigger: bool, count: int, what: str = ""
) -> None:
    """Number the members, write every row, rebuild the search index, keep the counters."""
    timings["build"] = time.perf_counter() - began
    NumberSequence.objects.get_or_create(name=MEMBER_SEQUENCE)
    seq = NumberSequence.objects.select_for_update().get(name=MEMBER_SEQUENCE)
    numbers = Organisation.objects.exclude(member_number=None).values_list(
        "member_number", flat=True
    )
    existing_max = max(
        [seq.value] + [int(n.rsplit("-", 1)[1]) for n in numbers if n.rsplit("-", 1)[-1].isdigit()]
    )
    last = builder.number_members(existing_max)
    NumberSequence.objects.filter(name=MEMBER_SEQUENCE).update(value=last)
    dropped = False if use_trigger else _drop_fts_insert_trigger()
    if len(builder.orgs) >= 5000:
        with indexes_deferred(builder.tables()):
            builder.write(timings)
            began_indexes = time.perf_counter()
        timings["indexes"] = time.perf_counter() - began_indexes
    else:
        builder.write(timings)
    began_index = time.perf_counter()
    if dropped:  # PostgreSQL's GIN index is maintained as rows arrive
        search.ensure_search_index()
    timings["search_index"] = time.perf_counter() - began_index
    began_analyze = time.perf_counter()
    _analyze()
    timings["analyze"] = time.perf_counter() - began_analyze
    NumberSequence.objects.get_or_create(name=DEMO_COUNTER)
    NumberSequence.objects.filter(name=DEMO_COUNTER).update(value=F("value") + count)
    AuditEvent.objects.create(
        actor_label="system",
        action="demo.generated",
        object_type="registry.organisation",
        object_id="*",
        summary=what or f"{count} demo organisations generated",
        after={
            "organisations": len(builder.orgs),
            "applications": len(builder.applications),
            "status_changes": len(builder.history),
        },  # fmt: skip
    )


# --------------------------------------------------------------------------- people


def _credentials_path():
    return settings.VAR_DIR / "demo-credentials.json"


def _read_credentials() -> dict:
    try:
        return json.loads(_credentials_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _ensure_users(previous: dict) -> tuple[dict, dict[str, User]]:
    """A confirmed user for each role; a password is kept while it still works."""
    old = previous.get("users", {}) if isinstance(previous, dict) else {}
    users, accounts = {}, {}
    now = timezone.now()
    for role in ROLES:
        email = f"{role.replace('_', '-')}@{EMAIL_DOMAIN}"
        user = User.objects.filter(email=email).first()
        known = (old.get(role) or {}).get("password")
        if user is None:
            user = User(email=email)
        password = known if known and user.pk and user.check_password(known) else None
        user.full_name = {
            "fund_operator": "Оператор Фонда (демо)", "expert": "Эксперт (демо)",
            "board_member": "Член наблюдательного совета (демо)",
            "testsite_owner": "Владелец испытательной площадки (демо)",
            "administrator": "Администратор (демо)", "member": "Участник кластера (демо)",
            "fund_director": "Директор Фонда (демо)",
        }[role]  # fmt: skip
        user.platform_role = PLATFORM_ROLE_OF.get(role, role)
        user.is_staff = user.is_superuser = role == "administrator"
        user.is_active = True
        user.email_confirmed_at = user.email_confirmed_at or now
        if password is None:
            password = f"demo-{role.replace('_', '-')}-{secrets.token_urlsafe(9)}"
            user.set_password(password)
        user.save()
        users[role] = {"email": email, "password": password}
        accounts[role] = user
    return users, accounts


def _special_organisations(
    accounts: dict[str, User],
) -> tuple[Organisation, Organisation, Organisation]:
    """The demo member user's company, the test-site owner's city body and the integration."""
    wanted = {
        "member": ("ООО «Демо Инновации»", "Demo Innovations LLC"),
        "testsite": ("ГБУ города Москвы «Городская испытательная площадка»", "Moscow City Test Site (state institution)"),
        "integration": (INTEGRATION_NAME_RU, INTEGRATION_NAME_EN),
    }  # fmt: skip
    found = {
        o.name_ru: o
        for o in Organisation.objects.filter(name_ru__in=[v[0] for v in wanted.values()])
    }
    missing = [key for key, (ru, _en) in wanted.items() if ru not in found]
    if missing:
        timings: dict[str, float] = {}
        began = time.perf_counter()
        done = (
            NumberSequence.objects.filter(name=DEMO_COUNTER).values_list("value", flat=True).first()
        )
        builder = _new_builder(random.Random(f"special:{done or 0}"))
        specs = {
            "member": {"kind": OrganisationKind.STARTUP, "legal_form": LegalForm.LEGAL_ENTITY, "region": MOSCOW,
                           "status": MembershipStatus.MEMBER, "areas": ["ict", "medicine"], "okved_main": "62.01"},
            "testsite": {"kind": OrganisationKind.CITY_BODY, "legal_form": LegalForm.LEGAL_ENTITY, "region": MOSCOW,
                             "status": MembershipStatus.MEMBER, "areas": ["transport", "ict"], "okved_main": "84.13"},
            "integration": {"kind": OrganisationKind.DEVELOPMENT_INSTITUTION, "legal_form": LegalForm.LEGAL_ENTITY,
                                "region": PARTNER_REGIONS[0], "status": MembershipStatus.PARTNER,
                                "areas": ["ict", "fintech"], "okved_main": "63.12"},
        }  # fmt: skip
        for key in missing:
            builder.add(name=wanted[key], **specs[key])
        _finish(builder, timings, began, use_trigger=False, count=0,
                what="demo organisations of the demo users and the integration created")  # fmt: skip
        found.update(
            {
                o.name_ru: o
                for o in Organisation.objects.filter(pk__in=[r["id"] for r in builder.orgs])
            }
        )
    member_org = found[wanted["member"][0]]
    testsite_org = found[wanted["testsite"][0]]
    integration = found[wanted["integration"][0]]
    for org, role in (
        (member_org, "member"),
        (testsite_org, "testsite_owner"),
        (integration, "administrator"),
    ):
        OrganisationRole.objects.get_or_create(
            organisation=org, user=accounts[role], role=OrgRole.OWNER
        )
    return member_org, testsite_org, integration


def _ensure_token(previous: dict, admin: User, integration: Organisation) -> str:
    """The integration's raw key: the one in the credentials file while its hash matches an
    active token, otherwise a newly issued one (only hashes are stored in the database)."""
    from innocluster.accounts.services import issue_api_token

    raw = previous.get("api_token") if isinstance(previous, dict) else None
    if (
        raw
        and ApiToken.objects.active()
        .filter(key_hash=hash_token(raw), organisation=integration)
        .exists()
    ):
        return raw
    _token, raw = issue_api_token(admin, integration, TOKEN_NAME, ["read", "join"])
    return raw


def _write_credentials(data: dict) -> str:
    path = _credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return str(path)


# --------------------------------------------------------------------------- entry point


def run(
    orgs: int = 300,
    seed: int = DEFAULT_SEED,
    *,
    users: bool = True,
    use_trigger: bool = False,
    joint_projects: bool = True,
) -> DemoResult:
    """Bring the demo data up to ``orgs`` organisations and (unless ``users`` is false) make sure
    the demo users, the integration's token and var/demo-credentials.json exist, with the demo
    documents, the navigator's subscription and (unless ``joint_projects`` is false: the
    registry's benchmark times the rest) the joint projects.

    Returns:
        What was done, with the credentials when users were handled.
    """
    result = DemoResult()
    began = time.perf_counter()
    done = (
        NumberSequence.objects.filter(name=DEMO_COUNTER).values_list("value", flat=True).first()
        or 0
    )
    to_create = max(0, orgs - done)
    if to_create:
        _orgs, result.timings = generate_organisations(to_create, seed, use_trigger=use_trigger)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # VACUUM (outside any transaction) sets the visibility map, so counts of the public
            # registry are index-only scans at once instead of after autovacuum's first visit.
            began_vacuum = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE registry_organisation")
            result.timings["vacuum"] = time.perf_counter() - began_vacuum
    result.created_organisations = to_create
    result.seconds = time.perf_counter() - began
    if users:
        with transaction.atomic():
            previous = _read_credentials()
            credentials_users, accounts = _ensure_users(previous)
            member, _testsite, integration = _special_organisations(accounts)
            raw = _ensure_token(previous, accounts["administrator"], integration)
        result.credentials = {"users": credentials_users, "api_token": raw}
        result.credentials_path = _write_credentials(result.credentials)
        # Signed accession agreements and letters in every state (the integration's token lists
        # its organisation's); the Fund's director signs for the Fund.
        from innocluster.documents import demo as documents_demo

        done = NumberSequence.objects.filter(name=DEMO_COUNTER).values_list("value", flat=True)
        agreements, letters = documents_demo.sizes_for(done.first() or 0)
        made = documents_demo.run(
            accounts, [member, integration], agreements=agreements, letters=letters
        )
        result.timings["documents"] = made.seconds
        # The member's organisation subscribes to the navigator's notices.
        from innocluster.navigator import demo as navigator_demo

        navigator_demo.run(accounts["member"], member)
        # Joint projects: calls in every phase, applications at every stage, reviews, the
        # board, projects (a demo of 100 organisations or more gets the extras).
        if joint_projects:
            from innocluster.programmes import demo as programmes_demo

            joint = programmes_demo.run(accounts, member, full=(done.first() or 0) >= 100)
            result.timings["joint_projects"] = joint.seconds
            result.joint_projects_skipped = joint.skipped
        # The exchange: technology offers, products, challenges in every status and visibility
        # with solutions, messages, NDA acceptances and interest, in Russian and English.
        from innocluster.exchange import demo as exchange_demo

        exchange = exchange_demo.run(accounts, member)
        result.timings["exchange"] = exchange.seconds
        result.exchange_skipped = exchange.skipped
    result.total_demo_organisations = (
        NumberSequence.objects.filter(name=DEMO_COUNTER).values_list("value", flat=True).first()
        or 0
    )
    # The bulk inserts fired no signals: the public pages cached by a running server are stale.
    from innocluster.core import pagecache

    pagecache.bump_registry_version()
    return result
