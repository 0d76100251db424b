"""Reads of projects, always scoped to what the user may see: the list with its filters, one
project's page, overdue reports and KPI targets against actual values."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Sum
from django.http import Http404
from django.utils import timezone

from innocluster.programmes.choices import ApplicationState, KpiCode
from innocluster.programmes.models import KpiTarget

from .choices import ReportState
from .models import KpiActual, MilestoneReport, Project, Tranche

# The application states a project can be in.
PROJECT_STATES = (
    ApplicationState.AGREEMENT,
    ApplicationState.IN_IMPLEMENTATION,
    ApplicationState.COMPLETED,
    ApplicationState.TERMINATED,
)
# A report in these states stops the milestone from being overdue.
REPORTED_STATES = (ReportState.SUBMITTED, ReportState.ACCEPTED)


@dataclass(frozen=True)
class Overdue:
    """A milestone whose report is late: its tranche (due date, project) and days overdue."""

    tranche: Tranche
    days: int

    @property
    def project(self) -> Project:
        return self.tranche.project

    @property
    def milestone(self):
        return self.tranche.milestone


def today() -> datetime.date:
    """Today in Moscow (settings.TIME_ZONE), the calendar the due dates are in."""
    return timezone.localdate()


def _overdue_tranches(day: datetime.date):
    reported = MilestoneReport.objects.filter(
        project=OuterRef("project"), milestone=OuterRef("milestone"), state__in=REPORTED_STATES
    )
    return (
        Tranche.objects.filter(
            project__application__state=ApplicationState.IN_IMPLEMENTATION, due_on__lt=day
        )
        .exclude(Exists(reported))
        .order_by("due_on", "project_id")
    )


def overdue_reports(day: datetime.date | None = None, projects=None) -> list[Overdue]:
    """Milestones of projects in implementation whose due date has passed (before ``day``)
    without a submitted or accepted report, oldest first; ``projects`` narrows them (a
    queryset or ids)."""
    day = day or today()
    tranches = _overdue_tranches(day).select_related("project__application__lead", "milestone")
    if projects is not None:
        tranches = tranches.filter(project__in=projects)
    return [Overdue(t, (day - t.due_on).days) for t in tranches]


def overdue_days_by_project(projects, day: datetime.date | None = None) -> dict:
    """``{project id: days its oldest overdue report is late}`` for ``projects`` (one query)."""
    day = day or today()
    rows = _overdue_tranches(day).filter(project__in=projects).values_list("project_id", "due_on")
    result: dict = {}
    for project_id, due_on in rows:
        result[project_id] = max(result.get(project_id, 0), (day - due_on).days)
    return result


def projects_for(
    user, *, state: str = "", overdue: bool = False, call: str = "", awaiting: bool = False
):
    """The projects ``user`` may see, filtered (the page, the exports and the API share it): by
    state (an application state of a project), overdue reports only, a call's code, reports
    waiting for the Fund only."""
    projects = (
        Project.objects.visible_to(user)
        .select_related("application__lead", "application__call")
        .order_by("-created_at")
    )
    if state:
        projects = projects.filter(application__state=state)
    if call:
        projects = projects.filter(application__call__code=call)
    if overdue:
        projects = projects.filter(
            Exists(_overdue_tranches(today()).filter(project=OuterRef("pk")))
        )
    if awaiting:
        projects = projects.filter(
            Exists(
                MilestoneReport.objects.filter(project=OuterRef("pk"), state=ReportState.SUBMITTED)
            )
        )
    return projects


def project_for(user, project_id) -> Project:
    """One project ``user`` may see, with what its page shows, else Http404."""
    project = find_project(user, project_id)
    if project is None:
        raise Http404
    return project


def find_project(user, project_id) -> Project | None:
    """One project ``user`` (or an API token) may see, with its tranches, agreements and
    reports, or None."""
    return (
        Project.objects.visible_to(user)
        .select_related("application__lead", "application__call")
        .prefetch_related(
            Prefetch("tranches", queryset=Tranche.objects.select_related("milestone")),
            "agreements",
            Prefetch(
                "reports",
                queryset=MilestoneReport.objects.select_related("milestone").prefetch_related(
                    "kpi_actuals", "evidence"
                ),
            ),
        )
        .filter(pk=project_id)
        .first()
    )


def project_kpis(project: Project) -> list[dict]:
    """Each KPI with a target or an accepted value: ``{"kpi", "label", "target", "actual"}``;
    the actual value is the sum over the accepted reports."""
    targets = dict(
        KpiTarget.objects.filter(application_id=project.application_id).values_list("kpi", "target")
    )
    actuals = dict(
        KpiActual.objects.filter(report__project=project, report__state=ReportState.ACCEPTED)
        .values("kpi")
        .annotate(total=Sum("value"))
        .values_list("kpi", "total")
    )
    rows = []
    for code, label in KpiCode.choices:
        if code not in targets and code not in actuals:
            continue
        rows.append(
            {
                "kpi": code,
                "label": label,
                "target": targets.get(code),
                "actual": actuals.get(code, Decimal("0.00")),
            }
        )
    return rows


def milestone_rows(project: Project, day: datetime.date | None = None) -> list[dict]:
    """The project's milestones in order, each with its tranche, its report and how late the
    report is (0 when not overdue); reads the project's prefetched tranches and reports."""
    day = day or today()
    reports = {r.milestone_id: r for r in project.reports.all()}
    in_implementation = project.application.state == ApplicationState.IN_IMPLEMENTATION
    rows = []
    for tranche in sorted(project.tranches.all(), key=lambda t: t.milestone.number):
        report = reports.get(tranche.milestone_id)
        late = 0
        if (
            in_implementation
            and tranche.due_on < day
            and (report is None or report.state not in REPORTED_STATES)
        ):
            late = (day - tranche.due_on).days
        rows.append(
            {"milestone": tranche.milestone, "tranche": tranche, "report": report, "late": late}
        )
    return rows
