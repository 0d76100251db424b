"""Exports of the filtered application list: CSV for spreadsheets (UTF-8 with BOM, semicolons)
and XLSX (opened here with openpyxl), the columns, Moscow times, scores and ranks, formulas
escaped, and the same filter as the page."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from innocluster.core.models import AuditEvent
from innocluster.programmes import exports
from innocluster.programmes.models import Application
from tests.accounts.factories import FundOperatorFactory
from tests.programmes.backoffice_factories import (
    CallFactory,
    MemberOrganisationFactory,
    PartnerOrganisationFactory,
    make_application,
    person,
    review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = FundOperatorFactory()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


@pytest.fixture
def data():
    call = CallFactory(code="exp")
    partner = PartnerOrganisationFactory(name_ru="ООО «Партнёр»", inn="7707083893")
    lead = MemberOrganisationFactory(name_ru='=HYPERLINK("http://evil")', inn="7728168971")
    submitted = timezone.make_aware(datetime.datetime(2026, 3, 1, 21, 30), datetime.UTC)
    first = make_application(
        call,
        number="EXP-1",
        state="in_review",
        lead=lead,
        partners=[partner],
        title="+7 способов взлома",
        grant="2500000.50",
        cofinancing="800000",
        submitted_at=submitted,
    )
    second = make_application(call, number="EXP-2", state="in_review", title="Второй")
    review(first, 60)
    review(second, 80)
    make_application(number="OTHER-1", state="in_review")  # another call
    return {"first": first, "second": second}


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_csv_holds_the_filtered_rows_for_spreadsheets(client, operator, data):
    url = reverse("manage_applications:export", args=["csv"])
    response = client.get(url, {"call": "exp", "order": "number"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv; charset=utf-8")
    assert "attachment" in response["Content-Disposition"]
    table = _csv(response)
    assert table[0][0] == "Number" and len(table[0]) == len(exports.COLUMNS)
    assert [row[0] for row in table[1:]] == ["EXP-1", "EXP-2"]
    row = dict(zip(exports.COLUMNS, table[1], strict=True))
    assert row["call"] == "exp"
    assert row["state"] == "In expert review"
    assert row["title"] == "'+7 способов взлома"  # would be a formula: escaped
    assert row["lead_name"] == '\'=HYPERLINK("http://evil")'
    assert row["lead_inn"] == "7728168971"
    assert row["partners"] == "ООО «Партнёр» (7707083893)"
    assert row["priority_area"] == "ict"
    assert (row["grant_rub"], row["cofinancing_rub"]) == ("2500000.50", "800000.00")
    assert row["submitted_at"] == "2026-03-02 00:30"  # 21:30 UTC is 00:30 the next day in Moscow
    assert (row["score"], row["rank"]) == ("60.000", "2")
    second = dict(zip(exports.COLUMNS, table[2], strict=True))
    assert (second["score"], second["rank"]) == ("80.000", "1")
    event = AuditEvent.objects.get(action="export.applications.csv")
    assert event.actor == operator and event.after == {"call": "exp", "order": "number"}


def test_the_xlsx_opens_with_the_same_rows_and_formulas_stored_as_text(client, operator, data):
    url = reverse("manage_applications:export", args=["xlsx"])
    response = client.get(url, {"call": "exp", "order": "number"})
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_MEDIA_TYPE
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Number" and len(rows) == 3
    first = dict(zip(exports.COLUMNS, rows[1], strict=True))
    assert first["number"] == "EXP-1"
    assert first["lead_name"] == '\'=HYPERLINK("http://evil")'
    assert first["title"] == "'+7 способов взлома"
    assert Decimal(str(first["grant_rub"])) == Decimal("2500000.5")
    assert first["rank"] == 2
    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert all(cell.data_type != "f" for cell in cells)  # no formula anywhere


def test_a_bad_filter_exports_nothing(client, operator, data):
    url = reverse("manage_applications:export", args=["csv"])
    response = client.get(url, {"state": "flying"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


def test_members_cannot_export(client, data):
    client.force_login(person(data["first"].lead, "owner"))
    assert client.get(reverse("manage_applications:export", args=["csv"])).status_code == 404


def test_large_exports_read_in_chunks(data, django_assert_max_num_queries):
    call = data["first"].call
    for _ in range(7):
        make_application(call, state="submitted", partners=[PartnerOrganisationFactory()])
    queryset = Application.objects.filter(call=call).order_by("number")
    with django_assert_max_num_queries(30):
        rows = list(exports.rows(queryset, chunk_size=3))
    assert len(rows) == 9
    assert sum(1 for r in rows if r["partners"]) == 8


@pytest.mark.parametrize("text", ["=1+1", "+79991234567", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_escaped(text):
    assert exports.safe_text(text) == "'" + text
    assert exports.safe_text("ООО " + text) == "ООО " + text  # only at the start
