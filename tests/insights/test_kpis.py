"""The KPIs count what the Fund reports: implemented projects, results from accepted reports
only, the payback ratio against money paid out, leverage, approval rate and time to decision;
per call, area and project; in the API and on the operators' dashboard."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from innocluster.insights import kpis
from innocluster.programmes.models import KpiTarget, Milestone
from innocluster.projects.models import KpiActual, MilestoneReport, Project, Tranche
from tests.accounts.factories import FundOperatorFactory, UserFactory
from tests.programmes.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def decided(call, state, *, days, area="ict"):
    """An application submitted ``days`` before its decision."""
    return ApplicationFactory(
        call=call,
        state=state,
        priority_area=area,
        submitted_at=NOW - datetime.timedelta(days=days),
        decided_at=NOW,
    )


def project(application, *, grant, cofinancing, paid=(), accepted=None, pending=None):
    """A project with one milestone per paid tranche (plus one unpaid), an accepted report
    holding ``accepted`` results and a submitted (not yet accepted) one, on the last milestone, holding ``pending``."""
    item = Project.objects.create(
        application=application, grant_rub=Decimal(grant), cofinancing_rub=Decimal(cofinancing)
    )
    for number, amount in enumerate([*paid, "1000"], start=1):
        milestone = Milestone.objects.create(
            application=application,
            number=number,
            title=f"Этап {number}",
            due_on=datetime.date(2026, number, 1),
            tranche_rub=Decimal(amount),
        )
        Tranche.objects.create(
            project=item,
            milestone=milestone,
            amount_rub=Decimal(amount),
            due_on=milestone.due_on,
            state="paid" if number <= len(paid) else "planned",
        )
    first = application.milestones.order_by("number").first()
    last = application.milestones.order_by("-number").first()
    for state, values, milestone in (("accepted", accepted, first), ("submitted", pending, last)):
        if values:
            report = MilestoneReport.objects.create(
                project=item, milestone=milestone, state=state, summary="…"
            )
            for kpi, value in values.items():
                KpiActual.objects.create(report=report, kpi=kpi, value=Decimal(value))
    return item


@pytest.fixture
def cluster():
    """Two calls: A with an implemented, a running and a rejected application; B with a
    terminated project in medicine and a waitlisted application."""
    call_a, call_b = CallFactory(code="call-a"), CallFactory(code="call-b")
    done = decided(call_a, "completed", days=10)
    running = decided(call_a, "in_implementation", days=20)
    decided(call_a, "rejected", days=30)
    stopped = decided(call_b, "terminated", days=40, area="medicine")
    decided(call_b, "waitlisted", days=50, area="medicine")
    ApplicationFactory(call=call_b, state="in_review", submitted_at=NOW)  # not decided yet
    ApplicationFactory(call=call_b)  # a draft: not submitted
    project(
        done,
        grant="10000000",
        cofinancing="5000000",
        paid=("6000000", "4000000"),
        accepted={"jobs": 12, "taxes_rub": "3000000", "revenue_rub": "40000000"},
        pending={"jobs": 100},
    )
    project(
        running,
        grant="5000000",
        cofinancing="1000000",
        paid=("2000000",),
        accepted={"jobs": 3, "taxes_rub": "600000"},
    )
    project(stopped, grant="4000000", cofinancing="2000000")
    KpiTarget.objects.create(application=done, kpi="jobs", target=Decimal(15))
    return {"done": done, "running": running, "stopped": stopped}


def test_overall(cluster):
    overall = kpis.overall()
    assert overall.implemented_projects == 1
    assert overall.projects_in_implementation == 1
    assert overall.terminated_projects == 1
    assert overall.applications_submitted == 6  # the draft is not submitted
    assert overall.applications_decided == 5
    assert overall.applications_approved == 3  # completed, running, terminated
    assert overall.approval_rate == Decimal("0.600")
    assert overall.median_days_to_decision == Decimal("30.0")
    # only accepted reports count: the pending report's 100 jobs do not
    assert overall.results["jobs"] == Decimal(15)
    assert overall.results["taxes_rub"] == Decimal("3600000")
    assert overall.grant_awarded_rub == Decimal("19000000")
    assert overall.grant_paid_rub == Decimal("12000000")
    assert overall.payback_ratio == Decimal("0.300")  # 3.6 M taxes / 12 M paid out
    assert overall.cofinancing_leverage == Decimal("0.42")  # 8 M / 19 M
    assert overall.targets["jobs"] == Decimal(15)


def test_by_call_area_and_project(cluster):
    by_call = {row.key: row for row in kpis.compute("call")}
    assert by_call["call-a"].implemented_projects == 1
    assert by_call["call-a"].approval_rate == Decimal("0.667")
    assert by_call["call-b"].terminated_projects == 1
    assert by_call["call-b"].results["jobs"] == 0
    assert by_call["call-a"].label == "Конкурс совместных проектов"

    by_area = {row.key: row for row in kpis.compute("area")}
    assert by_area["ict"].grant_paid_rub == Decimal("12000000")
    assert by_area["medicine"].grant_awarded_rub == Decimal("4000000")
    assert by_area["medicine"].payback_ratio is None  # nothing paid out: no ratio, not zero

    by_project = kpis.compute("project")
    assert [row.key for row in by_project][0] == str(cluster["done"].project.pk)
    assert by_project[0].results["jobs"] == Decimal(12)
    assert by_project[0].payback_ratio == Decimal("0.300")
    assert len(by_project) == 3


def test_filters_narrow_every_figure(cluster):
    only_b = kpis.compute("overall", call_code="call-b")[0]
    assert only_b.implemented_projects == 0 and only_b.terminated_projects == 1
    assert only_b.applications_submitted == 3
    medicine = kpis.compute("overall", area="medicine")[0]
    assert medicine.grant_awarded_rub == Decimal("4000000")


def test_nothing_yet_is_zero_not_an_error():
    overall = kpis.overall()
    assert overall.implemented_projects == 0
    assert overall.approval_rate is None and overall.median_days_to_decision is None


def test_the_api(client, cluster):
    client.force_login(FundOperatorFactory())
    body = client.get("/api/v1/kpis").json()
    assert body["group"] == "overall"
    (row,) = body["rows"]
    assert row["implemented_projects"] == 1
    assert Decimal(row["payback_ratio"]) == Decimal("0.3")
    by_call = client.get("/api/v1/kpis?group=call").json()["rows"]
    assert {r["key"] for r in by_call} == {"call-a", "call-b"}


def test_the_api_refuses_unknown_filters_and_anyone_but_the_fund(client, cluster):
    client.force_login(FundOperatorFactory())
    refused = client.get("/api/v1/kpis?area=space&call=nope")
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"area", "call"}
    refused = client.get("/api/v1/kpis", {"call": "a\x00b", "area": "ict\x01"})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"call", "area"}
    assert client.get("/api/v1/kpis?group=everything").status_code == 422
    assert len(client.get("/api/v1/kpis?group=project").json()["rows"]) == 3
    # a member would read one project's figures from a call or area that has only one
    client.force_login(UserFactory())
    for group in ("overall", "call", "area", "project"):
        assert client.get("/api/v1/kpis", {"group": group}).status_code == 403


def test_the_api_needs_a_caller(client):
    assert client.get("/api/v1/kpis").status_code == 401


def test_the_dashboard(client, cluster, django_assert_max_num_queries):
    client.force_login(UserFactory())
    assert client.get("/manage/kpis/").status_code == 404
    client.force_login(FundOperatorFactory())
    client.cookies["ic_lang"] = "en"
    with django_assert_max_num_queries(40):
        page = client.get("/manage/kpis/").content.decode()
    assert "Implemented projects" in page
    assert f'href="/projects/{cluster["done"].project.pk}/"' in page
    assert "Конкурс совместных проектов" in page or "Joint projects call" in page
    assert "60.0 %" in page  # the approval rate


def test_the_dashboard_names_a_bad_filter(client, cluster):
    client.force_login(FundOperatorFactory())
    client.cookies["ic_lang"] = "en"
    page = client.get("/manage/kpis/?area=space").content.decode()
    assert "Unknown priority area" in page
    assert "Implemented projects" in page  # the rest still shows, unfiltered
    page = client.get("/manage/kpis/", {"call": "a\x00b"}).content.decode()
    assert "Must not contain control characters." in page
