"""Exports of a filtered application list to CSV and XLSX, for the back office and the API.

Columns: number, call, state, title, lead name and INN, partners, priority area, grant requested,
co-financing, submitted at (Moscow time), score and rank (for reviewed applications, as
``review.ranking.rank_call`` computes them).

Both formats read the applications in chunks of ``CHUNK_SIZE`` ids, with one query per chunk for
the rows, the partners and the budget sums, so memory and the number of queries grow with the
number of chunks, not of rows. The CSV streams as it is written; the XLSX is written by openpyxl
in write-only mode (rows go to a temporary file, not memory) and then streamed from it.

Spreadsheets run a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula (CSV injection):
such text cells get a leading apostrophe, in both formats, and XLSX cells are written as text.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ApplicationState, MemberRole
from .models import Application, BudgetLine, Call, ConsortiumMember

CHUNK_SIZE = 500
KOPECK = Decimal("0.01")
CSV_DELIMITER = ";"  # what spreadsheets in the Russian locale split on
BOM = "\ufeff"  # tells Excel the file is UTF-8
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8; header=present"

COLUMNS = (
    "number",
    "call",
    "state",
    "title",
    "lead_name",
    "lead_inn",
    "partners",
    "priority_area",
    "grant_rub",
    "cofinancing_rub",
    "submitted_at",
    "score",
    "rank",
)


def headers() -> list[str]:
    """The columns' headings, in the active language."""
    return [
        _("Number"),
        _("Call"),
        _("State"),
        _("Project title"),
        _("Lead applicant"),
        _("Lead's INN"),
        _("Partners"),
        _("Priority area"),
        _("Grant requested, RUB"),
        _("Co-financing, RUB"),
        _("Submitted (Moscow time)"),
        _("Score (0-100)"),
        _("Rank"),
    ]


def safe_text(value: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _chunks(ids: list, size: int) -> Iterator[list]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class _Ranks:
    """Scores and ranks per call, computed once per call met in the export."""

    def __init__(self):
        self._by_call: dict = {}

    def of(self, call_id, application_id):
        if call_id not in self._by_call:
            from innocluster.review.ranking import rank_call

            call = Call.objects.get(pk=call_id)
            self._by_call[call_id] = rank_call(call).by_id()
        entry = self._by_call[call_id].get(application_id)
        if entry is None or entry.score is None:
            return None, None
        return entry.score, entry.rank


def rows(queryset, *, chunk_size: int = CHUNK_SIZE) -> Iterator[dict]:
    """The export's rows (dicts keyed by ``COLUMNS``; money as Decimal, the time as text) of the
    applications in ``queryset``, in its order."""
    ids = list(queryset.values_list("pk", flat=True))
    state_labels = dict(ApplicationState.choices)
    ranks = _Ranks()
    for chunk in _chunks(ids, chunk_size):
        found = {
            a.pk: a
            for a in Application.objects.filter(pk__in=chunk)
            .select_related("call", "lead")
            .only(
                "id",
                "number",
                "title",
                "state",
                "priority_area",
                "submitted_at",
                "call__id",
                "call__code",
                "lead__id",
                "lead__name_ru",
                "lead__inn",
            )
        }
        partners = defaultdict(list)
        for application_id, name, inn in (
            ConsortiumMember.objects.filter(application_id__in=chunk, role=MemberRole.PARTNER)
            .order_by("invited_at")
            .values_list("application_id", "organisation__name_ru", "organisation__inn")
        ):
            partners[application_id].append(f"{name} ({inn})" if inn else name)
        money = {
            row["application_id"]: row
            for row in BudgetLine.objects.filter(application_id__in=chunk)
            .values("application_id")
            .annotate(grant=Sum("grant_rub"), cofinancing=Sum("cofinancing_rub"))
            .order_by()
        }
        for pk in chunk:
            application = found.get(pk)
            if application is None:  # removed since the ids were read
                continue
            score, rank = (
                ranks.of(application.call_id, pk)
                if application.state not in (ApplicationState.DRAFT, ApplicationState.SUBMITTED)
                else (None, None)
            )
            sums = money.get(pk, {})
            submitted = (
                timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
                if application.submitted_at
                else ""
            )
            yield {
                "number": application.number,
                "call": application.call.code,
                "state": str(state_labels.get(application.state, application.state)),
                "title": application.title,
                "lead_name": application.lead.name_ru,
                "lead_inn": application.lead.inn or "",
                "partners": "; ".join(partners.get(pk, [])),
                "priority_area": application.priority_area,
                "grant_rub": _rub(sums.get("grant")),
                "cofinancing_rub": _rub(sums.get("cofinancing")),
                "submitted_at": submitted,
                "score": score,
                "rank": rank,
            }


def _rub(value) -> Decimal:
    """Roubles with kopecks (SQLite's sums lose the column's scale)."""
    return Decimal(value or 0).quantize(KOPECK)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    return value


def stream_csv(queryset, *, flush_at: int = 64 * 1024) -> Iterator[str]:
    """The applications as CSV for spreadsheets: UTF-8 with a BOM, ``;`` between cells, CRLF,
    a header row first. Yields pieces of about ``flush_at`` characters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([safe_text(h) for h in headers()])
    for row in rows(queryset):
        writer.writerow([_cell(row[c]) for c in COLUMNS])
        if buffer.tell() >= flush_at:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(queryset, target) -> None:
    """The applications as an XLSX workbook written to the binary file ``target``; openpyxl's
    write-only mode keeps memory flat whatever the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Applications")[:31])

    def line(values: Iterable) -> list:
        cells = []
        for value in values:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=safe_text(value))
                cell.data_type = "s"  # text, never a formula
            else:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, Decimal):
                    cell.number_format = "#,##0.00"
            cells.append(cell)
        return cells

    sheet.append(line(headers()))
    for row in rows(queryset):
        sheet.append(line(row[c] if row[c] is not None else "" for c in COLUMNS))
    workbook.save(target)


def xlsx_file(queryset):
    """The XLSX in a temporary file, rewound, for a FileResponse to stream (deleted on close)."""
    # The response closes (and so deletes) it once sent; a context manager would close it early.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        write_xlsx(queryset, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def filename(extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"innocluster-applications-{stamp}.{extension}"


def download(queryset, fmt: str):
    """The response that downloads ``queryset`` as ``fmt``: "xlsx" from a temporary file,
    otherwise CSV streamed as it is written."""
    from django.http import FileResponse, StreamingHttpResponse

    if fmt == "xlsx":
        return FileResponse(
            xlsx_file(queryset),
            as_attachment=True,
            filename=filename("xlsx"),
            content_type=XLSX_MEDIA_TYPE,
        )
    response = StreamingHttpResponse(stream_csv(queryset), content_type=CSV_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename("csv")}"'
    return response
