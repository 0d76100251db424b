"""Findings of the projects review: a terminated project's documents stop asking their signers;
a tranche under a pending supplementary agreement is not accepted meanwhile; uploads read at most
the limit; a missing stored file answers 503; a report body must be a JSON object; the XLSX
export keeps exact amounts."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from innocluster.projects.models import Project
from tests.projects.factories import milestones, project_state

pytestmark = pytest.mark.django_db


def test_the_xlsx_export_keeps_exact_amounts(client, team, project):
    from openpyxl import load_workbook

    Project.objects.filter(pk=project.pk).update(grant_rub=Decimal("1234567890123.45"))
    client.force_login(team.operator)
    response = client.get("/projects/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    grant = sheet.cell(2, 7)
    # A number to the kopeck, shown as roubles and kopecks, as the applications' export does.
    assert Decimal(str(grant.value)) == Decimal("1234567890123.45")
    assert grant.number_format == "#,##0.00"
    assert sheet.cell(2, 9).number_format == "#,##0.00"  # tranches paid: 0.00, still money


@pytest.mark.parametrize("body", ["[]", "null", '"text"', "7"])
def test_a_report_body_that_is_not_a_json_object_is_refused(client, team, project, body):
    first, _ = milestones(project)
    before = project_state(project)
    client.force_login(team.editor)
    response = client.post(
        f"/api/v1/projects/{project.pk}/reports/{first.pk}", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("body", "invalid_json")
    ]
    assert project_state(project) == before  # no empty draft
