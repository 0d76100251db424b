"""The project pages: the right things and buttons for the lead and the operator, 404 for
outsiders, refusals next to their fields with nothing changed, a bounded number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from innocluster.projects import services
from innocluster.projects.models import Project
from tests.programmes.factories import person
from tests.projects.factories import (
    ProjectTeam,
    approved,
    milestones,
    project_state,
    started,
    submitted_report,
)
from tests.registry.factories import MemberOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English (Russian is the default): the language cookie, as the switcher sets."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    return response.content.decode() if status == 200 else response


def test_the_lead_sees_its_project_with_the_report_links_and_no_fund_buttons(client, team, project):
    html = page(client, team.editor, f"/projects/{project.pk}/")
    first, last = milestones(project)
    assert project.application.title in html
    assert f"/projects/{project.pk}/reports/{first.pk}/" in html
    assert f"/documents/{project.agreements.get().document_id}/" in html
    assert "Terminate the project" not in html
    assert "Propose a supplementary agreement" not in html
    assert "Jobs created" in html  # KPI targets against actual values
    assert "The grant agreement came into force" in html  # the history, in words
    # The report form with its KPI fields and version.
    html = page(client, team.editor, f"/projects/{project.pk}/reports/{first.pk}/")
    assert 'name="kpi_jobs"' in html and 'name="version"' in html
    assert "Save and submit to the Fund" in html
    assert "Accept the report" not in html


def test_the_operator_sees_the_funds_actions(client, team, project):
    html = page(client, team.operator, f"/projects/{project.pk}/")
    assert "Propose a supplementary agreement" in html
    assert "Terminate the project" in html
    assert f"/projects/{project.pk}/terminate/" in html
    first, _ = milestones(project)
    html = page(client, team.operator, f"/projects/{project.pk}/reports/{first.pk}/")
    assert "Only a submitted report can be accepted or returned." in html
    assert "Save and submit to the Fund" not in html
    submitted_report(team, project, first)
    html = page(client, team.operator, f"/projects/{project.pk}/reports/{first.pk}/")
    assert "Accept the report" in html and "Return the report" in html


def test_a_member_of_another_organisation_gets_404(client, team, project):
    outsider = person(MemberOrganisationFactory(), "owner")
    first, _ = milestones(project)
    for url in (
        f"/projects/{project.pk}/",
        f"/projects/{project.pk}/reports/{first.pk}/",
    ):
        page(client, outsider, url, status=404)
    client.force_login(outsider)
    before = project_state(project)
    response = client.post(
        f"/projects/{project.pk}/reports/{first.pk}/",
        {"summary": "x", "version": 0, "action": "save"},
    )
    assert response.status_code == 404
    assert (
        client.post(f"/projects/{project.pk}/terminate/", {"terminate-reason": "x"}).status_code
        == 404
    )
    assert project_state(project) == before
    html = page(client, outsider, "/projects/")
    assert project.application.title not in html


def test_a_partner_sees_the_project_but_may_not_report(client, team, project):
    first, _ = milestones(project)
    html = page(client, team.partner_signatory, f"/projects/{project.pk}/reports/{first.pk}/")
    assert "Only the lead applicant" in html
    client.force_login(team.partner_signatory)
    response = client.post(
        f"/projects/{project.pk}/reports/{first.pk}/",
        {"summary": "x", "version": 0, "action": "save"},
    )
    assert response.status_code == 403
    assert not project.reports.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, project):
    response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_lead_saves_and_submits_a_report_through_the_form(client, team, project):
    first, _ = milestones(project)
    url = f"/projects/{project.pk}/reports/{first.pk}/"
    client.force_login(team.editor)
    response = client.post(
        url, {"summary": "Прототип готов", "version": 0, "kpi_jobs": "3", "action": "save"}
    )
    assert response.status_code == 302
    report = project.reports.get()
    assert report.state == "draft" and report.kpi_actuals.get().value == 3
    # Bad values: shown next to the field, nothing changed.
    before = project_state(project)
    response = client.post(
        url,
        {"summary": "x", "version": report.version, "kpi_jobs": "-2", "action": "submit"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_kpi_jobs_error"' in html and "Must not be negative." in html
    assert 'aria-describedby="id_kpi_jobs_help id_kpi_jobs_error"' in html
    assert project_state(project) == before
    # A stale edit: a clear message, nothing changed.
    response = client.post(
        url,
        {"summary": "Старое", "version": report.version - 1, "action": "save"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "Someone else saved this report" in response.content.decode()
    assert project_state(project) == before
    # Submit: saved and submitted together.
    response = client.post(
        url,
        {
            "summary": "Прототип готов",
            "version": report.version,
            "kpi_jobs": "3",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"


def test_submitting_without_a_summary_saves_nothing(client, team, project):
    first, _ = milestones(project)
    client.force_login(team.editor)
    before = project_state(project)
    response = client.post(
        f"/projects/{project.pk}/reports/{first.pk}/",
        {"summary": "", "version": 0, "kpi_jobs": "3", "action": "submit"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert "Say what was done before submitting." in response.content.decode()
    assert project_state(project) == before


def test_evidence_upload_and_download(client, team, project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    first, _ = milestones(project)
    client.force_login(team.editor)
    response = client.post(
        f"/projects/{project.pk}/reports/{first.pk}/evidence/",
        {"file": SimpleUploadedFile("протокол.pdf", b"%PDF-1.4 evidence")},
    )
    assert response.status_code == 302
    evidence = project.reports.get().evidence.get()
    html = page(client, team.editor, f"/projects/{project.pk}/reports/{first.pk}/")
    assert f"/projects/{project.pk}/evidence/{evidence.pk}/" in html
    download = client.get(f"/projects/{project.pk}/evidence/{evidence.pk}/")
    assert download.content == b"%PDF-1.4 evidence"
    assert "attachment" in download["Content-Disposition"]
    outsider = person(MemberOrganisationFactory(), "owner")
    client.force_login(outsider)
    assert client.get(f"/projects/{project.pk}/evidence/{evidence.pk}/").status_code == 404


def test_the_operator_accepts_returns_pays_and_terminates_through_the_pages(
    client, team, project, django_capture_on_commit_callbacks
):
    from tests.projects.factories import sign_by_fund

    first, last = milestones(project)
    report = submitted_report(team, project, first)
    client.force_login(team.operator)
    base = f"/projects/{project.pk}/reports/{first.pk}/"
    # Returning needs a reason: the error is at the field, nothing changes.
    before = project_state(project)
    response = client.post(base + "return/", {"return-reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "id_return-reason_error" in response.content.decode()
    assert project_state(project) == before
    assert client.post(base + "accept/").status_code == 302
    report.refresh_from_db()
    assert report.act_document_id is not None
    sign_by_fund(team, report.act_document_id, django_capture_on_commit_callbacks)
    tranche = project.tranches.get(milestone=first)
    html = page(client, team.operator, f"/projects/{project.pk}/")
    assert f"/projects/{project.pk}/tranches/{tranche.pk}/pay/" in html
    response = client.post(
        f"/projects/{project.pk}/tranches/{tranche.pk}/pay/",
        {f"pay-{tranche.pk}-reference": "П/п 42"},
    )
    assert response.status_code == 302
    tranche.refresh_from_db()
    assert tranche.state == "paid" and tranche.payment_reference == "П/п 42"
    # A supplementary agreement with a bad amount: named at its field.
    before = project_state(project)
    response = client.post(
        f"/projects/{project.pk}/supplementary/",
        {"supplementary-reason": "Перенос", f"supplementary-tranche_{last.number}": "-1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert f"id_supplementary-tranche_{last.number}_error" in response.content.decode()
    assert project_state(project) == before
    new_due = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    response = client.post(
        f"/projects/{project.pk}/supplementary/",
        {"supplementary-reason": "Перенос", f"supplementary-due_on_{last.number}": new_due},
    )
    assert response.status_code == 302
    assert project.agreements.filter(kind="supplementary", state="signing").exists()
    response = client.post(f"/projects/{project.pk}/terminate/", {"terminate-reason": "Стоп"})
    assert response.status_code == 302
    project.application.refresh_from_db()
    assert project.application.state == "terminated"


def test_prepare_from_the_back_office(client, team):
    client.force_login(team.signatory)
    assert client.post(f"/projects/prepare/{team.application.pk}/").status_code == 404
    client.force_login(team.operator)
    response = client.post(f"/projects/prepare/{team.application.pk}/")
    project = Project.objects.get(application=team.application)
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    response = client.post(f"/projects/prepare/{team.application.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "already on its route" in response.content.decode()


def test_the_list_filters_and_flags_overdue_reports(client, team, project):
    first, _ = milestones(project)
    tranche = project.tranches.get(milestone=first)
    tranche.due_on = timezone.localdate() - datetime.timedelta(days=4)
    tranche.save()
    html = page(client, team.operator, "/projects/")
    assert project.application.title in html and "Overdue by 4 days" in html
    html = page(client, team.operator, "/projects/?overdue=on")
    assert project.application.title in html
    html = page(client, team.operator, "/projects/?state=completed")
    assert project.application.title not in html
    html = page(client, team.operator, f"/projects/?call={team.call.code}")
    assert project.application.title in html
    html = page(client, team.operator, "/projects/?state=nonsense")
    assert "Select a valid choice" in html
    html = page(client, team.editor, f"/projects/{project.pk}/")
    assert "Overdue by 4 days" in html


def test_the_list_keeps_its_queries_bounded(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    team = ProjectTeam()
    started(team, django_capture_on_commit_callbacks)
    for _ in range(3):
        team.application = approved(team)
        services.prepare_agreement(team.application, actor=team.operator)
    assert Project.objects.count() == 4
    client.force_login(team.operator)
    client.get("/projects/")  # warm up the session and caches
    with django_assert_max_num_queries(8):  # session, user, count, page, overdue, waiting
        response = client.get("/projects/")
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == 4


def test_the_admin_pages_render_read_only(client, team, project):
    from tests.accounts.factories import AdministratorFactory

    admin = AdministratorFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    submitted_report(team, project, milestones(project)[0])
    for url in (
        "/django-admin/projects/project/",
        f"/django-admin/projects/project/{project.pk}/change/",
        "/django-admin/projects/milestonereport/",
        f"/django-admin/projects/milestonereport/{project.reports.get().pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/django-admin/projects/project/add/").status_code == 403


def test_the_lead_is_pointed_to_the_agreement_to_sign(client, team):
    project = services.prepare_agreement(team.application, actor=team.operator)
    document_id = project.agreements.get().document_id
    html = page(client, team.signatory, f"/projects/{project.pk}/")
    assert "waits for the signature" in html and f"/documents/{document_id}/" in html
    html = page(
        client, team.signatory, f"/projects/{project.pk}/reports/{milestones(project)[0].pk}/"
    )
    assert "The project is not in implementation." in html


def test_the_project_page_keeps_its_queries_bounded(
    client, team, project, django_assert_max_num_queries
):
    for milestone in milestones(project):
        submitted_report(team, project, milestone, jobs="1", patents="1")
    client.force_login(team.operator)
    client.get(f"/projects/{project.pk}/")
    with django_assert_max_num_queries(15):
        response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200


def test_reports_waiting_for_the_fund_and_the_exports(client, team, project):
    import csv
    import io

    from openpyxl import load_workbook

    from innocluster.core.models import AuditEvent

    first, _ = milestones(project)
    html = page(client, team.operator, "/projects/?awaiting=on")
    assert project.application.title not in html
    submitted_report(team, project, first)
    html = page(client, team.operator, "/projects/?awaiting=on")
    assert project.application.title in html and "1 waiting for the Fund" in html
    response = client.get("/projects/export.csv?awaiting=on")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0][0] == "Number" and len(table) == 2
    assert table[1][0] == project.application.number and table[1][-1] == "1"
    assert table[1][6] == "3000000.00"
    assert AuditEvent.objects.filter(action="export.projects.csv", actor=team.operator).exists()
    response = client.get("/projects/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(2, 1).value == project.application.number
    # Someone else's export holds none of this project.
    client.force_login(person(MemberOrganisationFactory(), "owner"))
    text = client.get("/projects/export.csv").content.decode("utf-8-sig")
    assert project.application.number not in text
