"""CSV and XLSX exports of the guards, patrols, disputes and inspections lists (issue 11): the file
holds exactly the rows the filtered list shows over all its pages, scoped to the role, with formula
cells neutralised, headings in the user's language, bad filters a 400, and a flat query count."""
import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guards.models import Guard
from tests import factories as f

EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(f.local_dt(2026, 11, 18, 10, 0), tick=False)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _export(client, path, query=None, fmt="csv") -> list[list]:
    """The rows of the list's export in `fmt` (csv: strings; xlsx: cell values, blanks as "")."""
    response = client.get(path, {**(query or {}), "export": fmt})
    assert response.status_code == 200, response.content
    assert response["Content-Disposition"].startswith("attachment;")
    if fmt == "csv":
        return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    from openpyxl import load_workbook

    return [["" if v is None else v for v in r] for r in load_workbook(io.BytesIO(_body(response))).active.iter_rows(values_only=True)]


def _unescaped(cell: str) -> str:
    """A cell as typed: without the quote the export puts before a formula's first character."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


def _listed(client, path, query, name) -> list:
    """`name` of each row the list page shows for `query`, in order: page by page (as a person
    clicking "next"), or, on the patrols page, the week's days."""
    names, number = [], 1
    while True:
        response = client.get(path, {**query, "page": number})
        assert response.status_code == 200
        if "days" in response.context:
            return [name(p) for day in response.context["days"] for p in day["patrols"]]
        page = response.context["page"]
        names += [name(row) for row in page.object_list]
        if not page.has_next():
            return names
        number += 1


def _export_query_counts(client, path, grow, sizes, fmt="csv") -> list[int]:
    """The queries of one export after growing the data to each size (`grow(n)` adds n rows)."""
    counts = []
    for n in sizes:
        grow(n)
        with CaptureQueriesContext(connection) as queries:
            _body(client.get(path, {"export": fmt}))  # a streamed export queries as it is read
        counts.append(len(queries))
    return counts


# --- guards ------------------------------------------------------------------------------------


@pytest.fixture
def guards(company, other_company, point):
    f.GuardFactory.create_batch(55, company=company, liaison_point=point)
    f.GuardFactory.create_batch(3, company=company, liaison_point=point, status=Guard.Status.SUSPENDED)
    f.GuardFactory.create_batch(4, company=other_company, liaison_point=point)
    f.GuardFactory(company=company, liaison_point=point, name=EVIL, post="@post")


@pytest.mark.parametrize("who, query, expected", [
    ("officer", {"status": "active"}, 60),
    ("officer", {}, 63),
    ("manager", {"status": "active"}, 56),
    ("manager", {"q": "Guard"}, 58),
])
def test_guard_export_rows_equal_the_filtered_list(client_for, request, guards, who, query, expected):
    client = client_for(request.getfixturevalue(who))
    listed = _listed(client, "/guards/", query, lambda g: g.name)
    rows = _export(client, "/guards/", query)
    assert len(listed) == expected
    assert [_unescaped(r[0]) for r in rows[1:]] == listed
    xlsx = _export(client, "/guards/", query, "xlsx")
    assert [r[0] for r in xlsx] == [r[0] for r in rows]
    assert len(xlsx[0]) == len(rows[0])


def test_guard_export_is_refused_to_a_guard(client_for, guard, guards):
    assert client_for(guard.user).get("/guards/", {"export": "csv"}).status_code == 403


def test_guard_export_neutralises_formulas_in_both_formats(client_for, manager, guards):
    client = client_for(manager)
    for fmt in ("csv", "xlsx"):
        row = next(r for r in _export(client, "/guards/", fmt=fmt) if "HYPERLINK" in str(r[0]))
        assert row[0] == "'" + EVIL and row[1] == "'@post", fmt


def test_guard_export_headings_follow_the_language(client_for, officer, guards):
    from django.utils import translation

    client = client_for(officer)
    assert _export(client, "/guards/")[0][:2] == ["Name", "Company"]
    with translation.override("zh-hans"):
        client.cookies["django_language"] = "zh-hans"
        rows = _export(client, "/guards/")
    assert rows[0][0] == "姓名" and rows[0][1] != "Company"


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"company": "abc"}, {"certificate": "x" * 300}])
def test_guard_export_with_bad_filters_is_a_clear_400(client_for, officer, guards, query):
    response = client_for(officer).get("/guards/", {**query, "export": "csv"})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_guard_export_query_count_is_flat(client_for, officer, company, point):
    counts = _export_query_counts(
        client_for(officer), "/guards/", lambda n: f.GuardFactory.create_batch(n, company=company, liaison_point=point), (3, 60)
    )
    assert counts[0] == counts[1]


# --- patrols (the week) -------------------------------------------------------------------------


@pytest.fixture
def patrols(company, other_company, point):
    ours = f.GuardFactory(company=company, liaison_point=point)
    theirs = f.GuardFactory(company=other_company, liaison_point=point)
    rows = []
    for day in range(16, 23):
        for hour, guard in ((9, ours), (19, theirs), (21, theirs)):
            patrol = f.PatrolFactory(liaison_point=point, planned_start=f.local_dt(2026, 11, day, hour, 0))
            f.PatrolMemberFactory(patrol=patrol, guard=guard)
            rows.append(patrol)
    rows[0].status = "cancelled"
    rows[0].save(update_fields=["status"])
    f.PatrolFactory(liaison_point=point, planned_start=f.local_dt(2026, 11, 25, 9, 0))  # next week
    return rows


@pytest.mark.parametrize("who, query, expected", [
    ("officer", {"week": "2026-W47"}, 21),
    ("officer", {"week": "2026-W47", "status": "planned"}, 20),
    ("manager", {"week": "2026-W47"}, 7),
])
def test_patrol_export_rows_equal_the_week_list(client_for, request, patrols, who, query, expected):
    from django.utils import timezone

    client = client_for(request.getfixturevalue(who))
    shown = _listed(client, "/patrols/", query, lambda p: timezone.localtime(p.planned_start).strftime("%Y-%m-%d %H:%M"))
    rows = _export(client, "/patrols/", query)
    assert len(shown) == expected
    assert [r[0] for r in rows[1:]] == shown
    xlsx = _export(client, "/patrols/", query, "xlsx")
    assert [r[0].strftime("%Y-%m-%d %H:%M") for r in xlsx[1:]] == shown


def test_patrol_export_bad_week_or_filter_is_a_400(client_for, officer, patrols):
    client = client_for(officer)
    assert client.get("/patrols/", {"week": "2026-W99", "export": "csv"}).status_code == 400
    assert client.get("/patrols/", {"status": "nope", "export": "xlsx"}).status_code == 400


def test_patrol_export_is_not_for_guards(client_for, guard, patrols):
    response = client_for(guard.user).get("/patrols/", {"export": "csv"})
    assert response.status_code in (302, 403) and not response.get("Content-Disposition")


# --- disputes ------------------------------------------------------------------------------------


@pytest.fixture
def disputes(point):
    rows = f.DisputeFactory.create_batch(56, liaison_point=point)
    f.DisputeFactory.create_batch(3, liaison_point=point, status="resolved")
    f.DisputeFactory(liaison_point=point, title="@SUM(A1)")
    return rows


@pytest.mark.parametrize("query, expected", [({}, 60), ({"status": "open"}, 57), ({"status": "resolved"}, 3)])
def test_dispute_export_rows_equal_the_filtered_list(client_for, officer, disputes, query, expected):
    client = client_for(officer)
    listed = _listed(client, "/disputes/all/", query, lambda d: d.title)
    rows = _export(client, "/disputes/all/", query)
    assert len(listed) == expected
    assert [_unescaped(r[1]) for r in rows[1:]] == listed
    assert [r[1] for r in _export(client, "/disputes/all/", query, "xlsx")] == [r[1] for r in rows]


def test_dispute_export_escapes_formulas_and_refuses_other_roles(client_for, officer, manager, guard, disputes):
    rows = _export(client_for(officer), "/disputes/all/")
    assert ["'@SUM(A1)"] == [r[1] for r in rows if "SUM" in r[1]]
    assert client_for(manager).get("/disputes/all/", {"export": "csv"}).status_code == 403
    assert client_for(guard.user).get("/disputes/all/", {"export": "xlsx"}).status_code == 403
    assert client_for(officer).get("/disputes/all/", {"status": "zzz", "export": "csv"}).status_code == 400


def test_dispute_export_query_count_is_flat(client_for, officer, point):
    counts = _export_query_counts(
        client_for(officer), "/disputes/all/", lambda n: f.DisputeFactory.create_batch(n, liaison_point=point), (2, 40)
    )
    assert counts[0] == counts[1]


# --- inspections ---------------------------------------------------------------------------------


@pytest.fixture
def inspections(township):
    officers = [f.OfficerFactory() for _ in range(2)]
    rows = f.VenueInspectionFactory.create_batch(52, township=township)
    for i, row in enumerate(rows):
        row.inspectors.set(officers[: 1 + i % 2])
    f.VenueInspectionFactory.create_batch(4, township=township, violation_found=True, violation_kind="fire")
    f.VenueInspectionFactory(township=township, venue="-1+2 网吧")
    return rows


@pytest.mark.parametrize("query, expected", [({}, 57), ({"violation": "yes"}, 4), ({"trade": "hotel"}, 57)])
def test_inspection_export_rows_equal_the_filtered_list(client_for, officer, inspections, query, expected):
    client = client_for(officer)
    listed = _listed(client, "/patrols/inspections/", query, lambda i: i.venue)
    rows = _export(client, "/patrols/inspections/", query)
    assert len(listed) == expected
    assert [_unescaped(r[1]) for r in rows[1:]] == listed
    assert [r[1] for r in _export(client, "/patrols/inspections/", query, "xlsx")] == [r[1] for r in rows]


def test_inspection_export_escapes_refuses_and_counts_flat(client_for, officer, manager, inspections, township):
    client = client_for(officer)
    assert "'-1+2 网吧" in [r[1] for r in _export(client, "/patrols/inspections/")]
    assert client_for(manager).get("/patrols/inspections/", {"export": "csv"}).status_code == 403
    assert client.get("/patrols/inspections/", {"date_from": "2026-13-45", "export": "csv"}).status_code == 400
    counts = _export_query_counts(
        client, "/patrols/inspections/", lambda n: f.VenueInspectionFactory.create_batch(n, township=township), (0, 30), "xlsx"
    )
    assert counts[0] == counts[1]


def test_every_list_page_offers_the_export_links_keeping_the_filter(client_for, officer, guards):
    html = client_for(officer).get("/guards/", {"status": "active", "page": 2}).content.decode()
    assert 'href="?status=active&amp;export=csv"' in html and 'href="?status=active&amp;export=xlsx"' in html
    for path in ("/patrols/", "/disputes/all/", "/patrols/inspections/"):
        assert "export=csv" in client_for(officer).get(path).content.decode(), path


@pytest.mark.parametrize("path, query, what, model", [
    ("/guards/", {"status": "active"}, "guards", "guards.guard"),
    ("/patrols/", {"week": "2026-W47"}, "patrols-2026-W47", "patrol.patrol"),
    ("/disputes/all/", {}, "disputes", "disputes.dispute"),
    ("/patrols/inspections/", {}, "inspections", "patrol.venueinspection"),
])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_is_in_the_audit_log_with_its_filters(client_for, officer, guards, path, query, what, model, fmt):
    from accounts.models import AuditEvent

    _export(client_for(officer), path, query, fmt=fmt)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert (event.username, event.object_type) == ("officer", model)
    assert event.detail == {"what": what, "format": fmt, "filters": query, "path": path}


def test_a_refused_export_writes_no_audit_line(client_for, officer, guard, guards):
    from accounts.models import AuditEvent

    assert client_for(guard.user).get("/guards/", {"export": "csv"}).status_code == 403
    assert client_for(officer).get("/guards/", {"status": "nonsense", "export": "csv"}).status_code == 400
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()
