"""The cluster's KPIs for joint projects, per project, call, priority area and overall.

What is counted (docs/kpis.md says the same for readers of the dashboard):

- implemented projects (the headline): applications whose final report was accepted
  (state ``completed``); beside them the projects in implementation and the terminated ones;
- results: jobs created, revenue, taxes paid, patents and products launched, each the sum of
  the values in the *accepted* milestone reports (a report states what its period achieved, so
  the values add up; a returned or pending report counts nothing);
- public money: the grants awarded (projects' ``grant_rub``) and paid (tranches ``paid``);
- the payback ratio: taxes paid by the participants against the public money paid out to them
  (the grant actually transferred: money promised but not yet paid has not been "granted" yet);
- co-financing leverage: the participants' own money per rouble of grant awarded;
- the approval rate: applications approved (approved or any later stage) among those decided;
- the time from submission to decision: the median and mean days between ``submitted_at``
  (the last submission) and ``decided_at``.

Every aggregate is a handful of grouped queries, whatever the number of applications.

The open innovation exchange's outcomes (challenges published, solutions received, pilots
proposed, solutions accepted, challenges closed with a solution adopted) are counted apart by
:func:`exchange_outcomes`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum

from innocluster.programmes.choices import ApplicationState as S
from innocluster.programmes.choices import KpiCode
from innocluster.programmes.models import Application, KpiTarget

APPROVED_OR_LATER = (S.APPROVED, S.AGREEMENT, S.IN_IMPLEMENTATION, S.COMPLETED, S.TERMINATED)
PROJECT_STATES = (S.IN_IMPLEMENTATION, S.COMPLETED, S.TERMINATED)
RESULTS = [code.value for code in KpiCode]
GROUPS = ("overall", "call", "area", "project")
ZERO = Decimal(0)


def _ratio(numerator: Decimal, denominator: Decimal, places: str = "0.01") -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP
    )


@dataclass
class Kpis:
    """The KPIs of one group (a project, a call, an area or everything)."""

    key: str = ""
    label: str = ""
    implemented_projects: int = 0
    projects_in_implementation: int = 0
    terminated_projects: int = 0
    applications_submitted: int = 0
    applications_decided: int = 0
    applications_approved: int = 0
    approval_rate: Decimal | None = None
    median_days_to_decision: Decimal | None = None
    mean_days_to_decision: Decimal | None = None
    grant_awarded_rub: Decimal = ZERO
    grant_paid_rub: Decimal = ZERO
    cofinancing_rub: Decimal = ZERO
    cofinancing_leverage: Decimal | None = None
    payback_ratio: Decimal | None = None
    results: dict = field(default_factory=lambda: dict.fromkeys(RESULTS, ZERO))
    targets: dict = field(default_factory=lambda: dict.fromkeys(RESULTS, ZERO))
    _days: list = field(default_factory=list, repr=False)

    def finish(self) -> Kpis:
        """Work out the ratios once the sums are in."""
        self.approval_rate = _ratio(self.applications_approved, self.applications_decided, "0.001")
        if self._days:
            self.median_days_to_decision = Decimal(str(statistics.median(self._days))).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
            self.mean_days_to_decision = Decimal(str(statistics.fmean(self._days))).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
        self.cofinancing_leverage = _ratio(self.cofinancing_rub, self.grant_awarded_rub)
        self.payback_ratio = _ratio(self.results["taxes_rub"], self.grant_paid_rub, "0.001")
        return self

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("_days")
        return data


# Each source's path to the group's key: applications, projects, tranches, reported results and
# targets reach the call, the area and the project by different joins.
PATHS = {
    "call": {
        "application": "call__code",
        "project": "application__call__code",
        "tranche": "project__application__call__code",
        "actual": "report__project__application__call__code",
        "target": "application__call__code",
    },
    "area": {
        "application": "priority_area",
        "project": "application__priority_area",
        "tranche": "project__application__priority_area",
        "actual": "report__project__application__priority_area",
        "target": "application__priority_area",
    },
    "project": {
        "application": "project__pk",
        "project": "pk",
        "tranche": "project__pk",
        "actual": "report__project__pk",
        "target": "application__project__pk",
    },
}


def _by(group: str, source: str) -> list[str]:
    """The ``values()`` names grouping ``source``'s rows by ``group`` (none for overall)."""
    return [PATHS[group][source]] if group != "overall" else []


def _grouped(queryset, by: list[str], **aggregates) -> list[dict]:
    """``aggregates`` per value of ``by``; over the whole queryset when ``by`` is empty (an
    empty ``values()`` would group by every column)."""
    if not by:
        return [queryset.aggregate(**aggregates)]
    return list(queryset.values(*by).annotate(**aggregates).order_by())


def compute(group: str = "overall", *, call_code: str | None = None, area: str | None = None):
    """The KPIs grouped by ``group`` (``overall``, ``call``, ``area``, ``project``), optionally
    for one call and/or one priority area. Returns a list of :class:`Kpis`, biggest headline
    first (``overall``: a list of one)."""
    from innocluster.projects.models import KpiActual, Project, Tranche

    if group not in GROUPS:
        raise ValueError(group)
    applications = Application.objects.all()
    if call_code:
        applications = applications.filter(call__code=call_code)
    if area:
        applications = applications.filter(priority_area=area)
    if group == "project":
        applications = applications.filter(project__isnull=False)
    rows: dict[str, Kpis] = defaultdict(Kpis)

    def key_of(value) -> str:
        return "" if value is None else str(value)

    by = _by(group, "application")
    counts = _grouped(
        applications,
        by,
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        decided=Count("pk", filter=Q(decided_at__isnull=False)),
        approved=Count("pk", filter=Q(decided_at__isnull=False, state__in=APPROVED_OR_LATER)),
        implemented=Count("pk", filter=Q(state=S.COMPLETED)),
        implementing=Count("pk", filter=Q(state=S.IN_IMPLEMENTATION)),
        terminated=Count("pk", filter=Q(state=S.TERMINATED, project__isnull=False)),
    )
    for row in counts:
        kpis = rows[key_of(row.get(by[0]) if by else None)]
        kpis.applications_submitted = row["submitted"]
        kpis.applications_decided = row["decided"]
        kpis.applications_approved = row["approved"]
        kpis.implemented_projects = row["implemented"]
        kpis.projects_in_implementation = row["implementing"]
        kpis.terminated_projects = row["terminated"]

    # Days to decision: a median needs the values (one narrow row per decided application).
    decided = applications.filter(decided_at__isnull=False, submitted_at__isnull=False)
    for value, submitted_at, decided_at in decided.values_list(
        by[0] if by else "pk", "submitted_at", "decided_at"
    ).order_by():
        days = max((decided_at - submitted_at).total_seconds(), 0) / 86400
        rows[key_of(value) if by else ""]._days.append(days)

    projects = Project.objects.filter(application__in=applications.values("pk"))
    by = _by(group, "project")
    money = _grouped(projects, by, awarded=Sum("grant_rub"), cofinancing=Sum("cofinancing_rub"))
    for row in money:
        kpis = rows[key_of(row.get(by[0]) if by else None)]
        kpis.grant_awarded_rub = row["awarded"] or ZERO
        kpis.cofinancing_rub = row["cofinancing"] or ZERO

    by = _by(group, "tranche")
    paid = _grouped(
        Tranche.objects.filter(project__in=projects, state="paid"), by, total=Sum("amount_rub")
    )
    for row in paid:
        rows[key_of(row.get(by[0]) if by else None)].grant_paid_rub = row["total"] or ZERO

    by = _by(group, "actual")
    actuals = (
        KpiActual.objects.filter(report__project__in=projects, report__state="accepted")
        .values(*by, "kpi")
        .annotate(total=Sum("value"))
    )
    for row in actuals.order_by():
        rows[key_of(row.get(by[0]) if by else None)].results[row["kpi"]] = row["total"] or ZERO

    by = _by(group, "target")
    targets = (
        KpiTarget.objects.filter(application__in=projects.values("application"))
        .values(*by, "kpi")
        .annotate(total=Sum("target"))
    )
    for row in targets.order_by():
        rows[key_of(row.get(by[0]) if by else None)].targets[row["kpi"]] = row["total"] or ZERO

    if group == "overall":
        rows.setdefault("", Kpis())
    result = []
    for key, kpis in rows.items():
        kpis.key = key
        result.append(kpis.finish())
    _label(group, result)
    result.sort(
        key=lambda k: (
            -k.implemented_projects,
            -k.projects_in_implementation,
            -k.applications_submitted,
            k.key,
        )
    )
    return result


def _label(group: str, rows: list[Kpis]) -> None:
    """Human names for the keys, in the active language."""
    from django.utils.translation import gettext as _

    from innocluster.core.text import in_language
    from innocluster.programmes.models import Call
    from innocluster.programmes.selectors import area_labels
    from innocluster.projects.models import Project

    if group == "overall":
        for row in rows:
            row.label = _("All joint projects")
    elif group == "call":
        calls = {c.code: c for c in Call.objects.filter(code__in=[r.key for r in rows])}
        for row in rows:
            call = calls.get(row.key)
            row.label = in_language(call, "title") if call else row.key
    elif group == "area":
        for row in rows:
            row.label = area_labels([row.key])[0] if row.key else _("No area given")
    else:
        names = {
            str(pk): f"{number} {title}".strip()
            for pk, number, title in Project.objects.filter(
                pk__in=[r.key for r in rows]
            ).values_list("pk", "application__number", "application__title")
        }
        for row in rows:
            row.label = names.get(row.key, row.key)


def overall() -> Kpis:
    return compute("overall")[0]


# --- The open innovation exchange ------------------------------------------------------------


@dataclass
class ExchangeOutcomes:
    """What the exchange's challenges led to (overall, or in one priority area):

    - challenges published (any published one, open to closed);
    - solutions received (every solution sent, withdrawn ones included);
    - pilots proposed: solutions the owner proposed to pilot and has not decided on yet, plus
      the accepted ones (a solution is accepted only after a proposed pilot);
    - solutions accepted;
    - challenges closed with a solution adopted, and the adoption rate: those among the closed
      challenges.
    """

    challenges_published: int = 0
    challenges_open: int = 0
    challenges_closed: int = 0
    challenges_closed_adopted: int = 0
    solutions_received: int = 0
    pilots_proposed: int = 0
    solutions_accepted: int = 0
    adoption_rate: Decimal | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def exchange_outcomes(*, area: str | None = None) -> ExchangeOutcomes:
    """The exchange's outcomes in two grouped queries, whatever the number of challenges;
    ``area`` keeps the challenges of one priority area."""
    from innocluster.exchange.choices import ChallengeOutcome, ChallengeStatus, SolutionStatus
    from innocluster.exchange.models import Challenge, Solution

    challenges = Challenge.objects.filter(published_at__isnull=False)
    if area:
        # The areas are a JSON list: its text holds the quoted code on SQLite and PostgreSQL.
        from django.db.models import TextField
        from django.db.models.functions import Cast

        challenges = challenges.annotate(_areas=Cast("priority_areas", TextField())).filter(
            _areas__contains=f'"{area}"'
        )
    counts = challenges.aggregate(
        published=Count("pk"),
        open=Count("pk", filter=Q(status=ChallengeStatus.OPEN)),
        closed=Count("pk", filter=Q(status=ChallengeStatus.CLOSED)),
        adopted=Count(
            "pk", filter=Q(status=ChallengeStatus.CLOSED, outcome=ChallengeOutcome.ADOPTED)
        ),
    )
    solutions = Solution.objects.filter(challenge__in=challenges.values("pk")).aggregate(
        received=Count("pk"),
        pilots=Count(
            "pk",
            filter=Q(status__in=[SolutionStatus.PILOT_PROPOSED, SolutionStatus.ACCEPTED]),
        ),
        accepted=Count("pk", filter=Q(status=SolutionStatus.ACCEPTED)),
    )
    return ExchangeOutcomes(
        challenges_published=counts["published"],
        challenges_open=counts["open"],
        challenges_closed=counts["closed"],
        challenges_closed_adopted=counts["adopted"],
        solutions_received=solutions["received"],
        pilots_proposed=solutions["pilots"],
        solutions_accepted=solutions["accepted"],
        adoption_rate=_ratio(counts["adopted"], counts["closed"], "0.001"),
    )
