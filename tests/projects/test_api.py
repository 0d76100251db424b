"""The projects API: lists and details scoped to the caller, reports saved and submitted,
accept / return for the Fund, problem+json naming the fields, never a 500."""

from __future__ import annotations

import pytest

from innocluster.accounts.services import issue_api_token
from innocluster.projects import services
from tests.programmes.factories import person
from tests.projects.factories import milestones, project_state, submitted_report
from tests.registry.factories import MemberOrganisationFactory

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_the_list_and_the_detail(client, team, project):
    client.force_login(team.editor)
    body = client.get("/api/v1/projects").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == str(project.pk) and row["state"] == "in_implementation"
    assert row["grant_rub"] == "3000000.00" and row["lead"]["inn"] == team.lead.inn
    detail = client.get(f"/api/v1/projects/{project.pk}").json()
    assert [a["kind"] for a in detail["agreements"]] == ["main"]
    assert detail["agreements"][0]["state"] == "in_force"
    assert [t["milestone_number"] for t in detail["tranches"]] == [1, 2]
    assert {k["kpi"]: k["target"] for k in detail["kpis"]} == {
        "jobs": "12.00",
        "revenue_rub": "50000000.00",
    }
    assert client.get("/api/v1/projects?state=completed").json()["count"] == 0
    assert client.get("/api/v1/projects?awaiting=true").json()["count"] == 0
    submitted_report(team, project, milestones(project)[0])
    assert client.get("/api/v1/projects?awaiting=true").json()["count"] == 1
    response = client.get("/api/v1/projects?state=bogus")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "state"
    assert client.get("/api/v1/projects?limit=0").status_code == 422


def test_others_get_404_and_anonymous_401(client, team, project):
    assert client.get(f"/api/v1/projects/{project.pk}").status_code == 401
    client.force_login(person(MemberOrganisationFactory(), "owner"))
    assert client.get("/api/v1/projects").json()["count"] == 0
    response = client.get(f"/api/v1/projects/{project.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get("/api/v1/projects/not-a-uuid").status_code == 422


def test_an_organisations_token_reads_its_projects(client, team, project):
    owner = person(team.partner, "owner")
    _token, raw = issue_api_token(owner, team.partner, "ERP", ["read"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/projects", **auth).json()["count"] == 1
    assert client.get(f"/api/v1/projects/{project.pk}", **auth).status_code == 200
    first, _ = milestones(project)
    response = client.post(
        f"/api/v1/projects/{project.pk}/reports/{first.pk}",
        {"summary": "x"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403 and response.json()["code"] == "person_only"


def test_save_and_submit_a_report(client, team, project):
    first, _ = milestones(project)
    url = f"/api/v1/projects/{project.pk}/reports/{first.pk}"
    client.force_login(team.editor)
    response = post(client, url, {"summary": "Прототип", "kpi_values": {"jobs": "2"}})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "draft" and response.json()["kpi_values"] == {"jobs": "2.00"}
    version = response.json()["version"]
    before = project_state(project)
    response = post(
        client,
        url,
        {"summary": "x", "kpi_values": {"jobs": "-1", "magic": 1}, "expected_version": version},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "kpi_values.jobs",
        "kpi_values.magic",
    }
    response = post(client, url, {"summary": "x", "expected_version": version - 1})
    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    assert project_state(project) == before
    response = post(
        client,
        url,
        {
            "summary": "Прототип",
            "kpi_values": {"jobs": 2},
            "expected_version": version,
            "submit": True,
        },
    )
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    assert post(client, url, {"summary": []}).status_code == 422  # malformed: no 500
    other = f"/api/v1/projects/{project.pk}/reports/00000000-0000-0000-0000-000000000000"
    assert post(client, other, {"summary": "x"}).status_code == 404


def test_accept_and_return_for_the_fund(client, team, project):
    first, last = milestones(project)
    submitted_report(team, project, first)
    submitted_report(team, project, last)
    client.force_login(team.editor)
    base = f"/api/v1/projects/{project.pk}/reports/"
    assert post(client, base + f"{first.pk}/accept").status_code == 403
    client.force_login(team.operator)
    response = post(client, base + f"{first.pk}/accept")
    assert response.status_code == 200, response.content
    assert response.json()["registration_number"].startswith("AA-")
    assert post(client, base + f"{first.pk}/accept").json()["code"] == "act_pending"
    response = post(client, base + f"{last.pk}/return", {"reason": ""})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    response = post(client, base + f"{last.pk}/return", {"reason": "Нет протокола"})
    assert response.status_code == 200 and response.json()["state"] == "returned"


def test_a_report_before_implementation_is_refused(client, team):
    project = services.prepare_agreement(team.application, actor=team.operator)
    first, _ = milestones(project)
    client.force_login(team.editor)
    response = post(client, f"/api/v1/projects/{project.pk}/reports/{first.pk}", {"summary": "x"})
    assert response.status_code == 409 and response.json()["code"] == "not_in_implementation"


def test_the_fund_prepares_pays_and_terminates_through_the_api(
    client, team, django_capture_on_commit_callbacks
):
    from tests.projects.factories import sign_by_fund, sign_by_lead

    client.force_login(team.signatory)
    response = post(client, "/api/v1/projects", {"application": str(team.application.pk)})
    assert response.status_code == 403
    client.force_login(team.operator)
    assert post(client, "/api/v1/projects", {"application": "nope"}).status_code == 422
    unknown = post(client, "/api/v1/projects", {"application": str(team.operator.pk)})
    assert unknown.status_code == 404
    response = post(client, "/api/v1/projects", {"application": str(team.application.pk)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "agreement" and body["agreements"][0]["state"] == "signing"
    again = post(client, "/api/v1/projects", {"application": str(team.application.pk)})
    assert again.status_code == 409 and again.json()["code"] == "agreement_pending"
    document_id = body["agreements"][0]["document"]
    sign_by_lead(team, document_id, django_capture_on_commit_callbacks)
    sign_by_fund(team, document_id, django_capture_on_commit_callbacks)
    project_id = body["id"]
    from innocluster.projects.models import Project

    project = Project.objects.get(pk=project_id)
    first, _ = milestones(project)
    act = services.accept_report(submitted_report(team, project, first), actor=team.operator)
    sign_by_fund(team, act.pk, django_capture_on_commit_callbacks)
    tranche = project.tranches.get(milestone=first)
    url = f"/api/v1/projects/{project_id}/tranches/{tranche.pk}/payment"
    assert post(client, url, {"reference": ""}).json()["errors"][0]["field"] == "reference"
    response = post(client, url, {"reference": "П/п 7"})
    assert response.status_code == 200 and response.json()["state"] == "paid"
    assert post(client, url, {"reference": "П/п 8"}).json()["code"] == "not_payable"
    response = post(client, f"/api/v1/projects/{project_id}/terminate", {"reason": "Стоп"})
    assert response.status_code == 200 and response.json()["state"] == "terminated"
    assert response.json()["termination_reason"] == "Стоп"


def test_evidence_through_the_api(client, team, project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    first, _ = milestones(project)
    url = f"/api/v1/projects/{project.pk}/reports/{first.pk}/evidence"
    client.force_login(team.editor)
    response = client.post(url, {"file": SimpleUploadedFile("фото.jpg", b"\xff\xd8jpeg")})
    assert response.status_code == 201, response.content
    assert [e["filename"] for e in response.json()["evidence"]] == ["фото.jpg"]
    response = client.post(url, {"file": SimpleUploadedFile("empty.txt", b"")})
    assert response.status_code in (400, 422)
    client.force_login(team.partner_signatory)
    response = client.post(url, {"file": SimpleUploadedFile("x.txt", b"x")})
    assert response.status_code == 403
    assert project.reports.get().evidence.count() == 1
