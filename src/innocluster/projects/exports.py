"""Exports of a filtered project list to CSV and XLSX (the list page's filters; the Fund's
staff see every project, anyone else their consortia's).

Columns: number, title, lead name and INN, call, state, grant awarded, co-financing, tranches
paid, agreement in force since, implemented at, terminated at (Moscow time), days the oldest
report is overdue, reports waiting for the Fund. One query per aggregate, whatever the number
of rows. Text cells that a spreadsheet would run as a formula get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from innocluster.programmes.choices import ApplicationState

from .choices import ReportState, TrancheState
from .models import MilestoneReport, Tranche

CSV_DELIMITER = ";"  # what spreadsheets in the Russian locale split on
BOM = "\ufeff"  # tells Excel the file is UTF-8
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8; header=present"


def headers() -> list[str]:
    return [
        _("Number"),
        _("Project"),
        _("Lead applicant"),
        _("Lead's INN"),
        _("Call"),
        _("State"),
        _("Grant awarded, RUB"),
        _("Co-financing, RUB"),
        _("Tranches paid, RUB"),
        _("Agreement in force since"),
        _("Implemented"),
        _("Terminated"),
        _("Days overdue"),
        _("Reports waiting for the Fund"),
    ]


def awaiting_by_project(project_ids) -> dict:
    """``{project id: reports submitted and not yet accepted or returned}`` (one query)."""
    rows = (
        MilestoneReport.objects.filter(project_id__in=project_ids, state=ReportState.SUBMITTED)
        .values("project_id")
        .annotate(n=Count("id"))
        .values_list("project_id", "n")
    )
    return dict(rows)


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def rows(projects) -> list[list]:
    """The export's rows for ``projects`` (a queryset with its filters applied)."""
    from .selectors import overdue_days_by_project

    projects = list(projects.select_related("application__lead", "application__call"))
    ids = [p.pk for p in projects]
    paid = dict(
        Tranche.objects.filter(project_id__in=ids, state=TrancheState.PAID)
        .values("project_id")
        .annotate(total=Sum("amount_rub"))
        .values_list("project_id", "total")
    )
    late = overdue_days_by_project(ids)
    waiting = awaiting_by_project(ids)
    result = []
    for project in projects:
        application = project.application
        result.append(
            [
                _safe(application.number),
                _safe(application.title),
                _safe(application.lead.name_ru),
                _safe(application.lead.inn),
                _safe(application.call.code),
                str(ApplicationState(application.state).label),
                project.grant_rub,
                project.cofinancing_rub,
                paid.get(project.pk, Decimal("0.00")),
                project.started_on.isoformat() if project.started_on else "",
                _moment(project.completed_at),
                _moment(project.terminated_at),
                late.get(project.pk, 0),
                waiting.get(project.pk, 0),
            ]
        )
    return result


def csv_bytes(projects) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=CSV_DELIMITER)
    writer.writerow(headers())
    for row in rows(projects):
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def xlsx_file(projects):
    """The XLSX in a temporary file, rewound (deleted when closed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Projects")[:31])

    def money(value: Decimal) -> WriteOnlyCell:
        # Written as the exact decimal (a float would round large sums), shown in roubles.
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell

    sheet.append(headers())
    for row in rows(projects):
        sheet.append([money(v) if isinstance(v, Decimal) else v for v in row])
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (handed to the response)
    workbook.save(target)
    target.seek(0)
    return target


def filename(ext: str) -> str:
    return f"projects-{timezone.localdate().isoformat()}.{ext}"
