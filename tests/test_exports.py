"""Export cells that start like a formula reach the spreadsheet as text (issue 10, item 6): payout
CSV and XLSX from the page and the API, and the admin's CSV export, all through config/exports.py."""
import csv
import datetime
import io

import pytest
from django.contrib.admin.sites import AdminSite

from config.exports import safe_cell, safe_row
from guards.admin import GuardAdmin
from guards.models import Guard
from rewards.services import payout_compute, points_award
from tests import factories as f

EVIL = '=HYPERLINK("http://x","y")'
NOV = datetime.date(2026, 11, 1)


@pytest.mark.parametrize("value, expected", [
    (EVIL, "'" + EVIL), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-3.50", "-3.50"), ("+7", "+7"), (-5, -5), (12.5, 12.5),
    ("Li Lei", "Li Lei"), (None, None),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@pytest.fixture
def evil_run(company):
    guard = f.GuardFactory(company=company, name=EVIL, post="@post")
    points_award(guard_id=guard.pk, kind="patrol", points=2, occurred_on=NOV.replace(day=3))
    return payout_compute(month=NOV)


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    return [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_api_payout_exports_neutralise_formulas(api_for, officer, evil_run):
    api = api_for(officer)

    csv_rows = _csv_rows(api.get(f"/api/v1/payouts/{evil_run.pk}/export/", {"format": "csv"}).content)
    xlsx_rows = _xlsx_rows(api.get(f"/api/v1/payouts/{evil_run.pk}/export/", {"format": "xlsx"}).content)

    assert csv_rows[1][2] == "'" + EVIL and csv_rows[1][3] == "'@post"
    assert xlsx_rows[1][2] == "'" + EVIL and xlsx_rows[1][3] == "'@post"


def test_page_payout_exports_neutralise_formulas(client_for, officer, evil_run):
    client = client_for(officer)

    csv_rows = _csv_rows(client.get(f"/guards/payouts/{evil_run.pk}/export.csv").content)
    xlsx_rows = _xlsx_rows(client.get(f"/guards/payouts/{evil_run.pk}/export.xlsx").content)

    assert csv_rows[1][1] == "'" + EVIL
    assert xlsx_rows[1][1] == "'" + EVIL


def test_admin_csv_export_neutralises_formulas(rf, company):
    from config.admin_export import export_csv

    guard = f.GuardFactory(company=company, name=EVIL)
    request = rf.post("/admin/guards/guard/")
    request.user = f.UserFactory(is_staff=True, is_superuser=True)

    response = export_csv(GuardAdmin(Guard, AdminSite()), request, Guard.objects.filter(pk=guard.pk))

    rows = _csv_rows(response.content)
    assert "'" + EVIL in rows[1]
    assert EVIL not in rows[1]


def test_safe_row_keeps_numbers():
    assert safe_row(["-5", -5, "=1"]) == ["-5", -5, "'=1"]
