"""An officer's API list of disputes (with their parties), tips (with their sources) or guards (with
full resident ids) is a read of confidential data, like the page of one of them: one audit line per
request naming the rows shown, never one per row, and none for roles that get no such data."""
import pytest

from accounts.audit import audit_list_read
from accounts.models import AuditEvent, User
from disputes.models import Dispute, MediationSession
from tests import factories as f
from tests.factories import local_dt

pytestmark = pytest.mark.django_db

Kind = AuditEvent.Kind
LISTS = [
    ("/api/v1/disputes/", "disputes.dispute", "parties"),
    ("/api/v1/tips/", "disputes.tip", "source"),
    ("/api/v1/guards/", "guards.guard", "national_id"),
]


def fresh(user):
    return User.objects.get(pk=user.pk)


def _lines():
    return list(AuditEvent.objects.filter(kind=Kind.VIEW_CONFIDENTIAL).order_by("id"))


@pytest.fixture
def records(point, guard):
    """Two of each: disputes reported by `guard`, tips from `guard` (a guard's own reports)."""
    disputes = [f.DisputeFactory(liaison_point=point, reporting_guard=guard, reported_by_kind="guard") for _ in range(2)]
    tips = [f.TipFactory(liaison_point=point, source_kind="guard", source_guard=guard) for _ in range(2)]
    return disputes, tips


@pytest.mark.parametrize("url,object_type,field", LISTS)
def test_officer_list_read_writes_one_audit_line_naming_the_rows(api_for, officer, records, url, object_type, field):
    # when
    response = api_for(officer).get(url, {"page_size": 50}, REMOTE_ADDR="10.1.2.3")

    # then
    assert response.status_code == 200
    shown = [row["id"] for row in response.json()["results"]]
    assert shown
    [line] = _lines()
    assert (line.user_id, line.username, line.ip, line.object_type, line.object_id) == (officer.pk, "officer", "10.1.2.3", object_type, "")
    assert line.detail == {"field": field, "via": "api", "list": True, "count": len(shown), "ids": shown}


@pytest.mark.parametrize("url,object_type,field", LISTS)
def test_officer_list_audits_the_page_read_not_the_whole_set(api_for, officer, records, other_guard, url, object_type, field):
    assert api_for(officer).get(url, {"page_size": 1, "page": 2}).status_code == 200

    [line] = _lines()
    assert line.detail["count"] == 1 and len(line.detail["ids"]) == 1


@pytest.mark.parametrize("url", [u for u, _, _ in LISTS])
def test_officer_list_with_no_rows_writes_nothing(api_for, officer, url):
    assert api_for(officer).get(url, {"search": "no such thing"}).status_code == 200
    assert _lines() == []


def test_guard_and_manager_lists_show_no_confidential_data_and_write_nothing(api_for, guard, manager, records):
    # a guard's own reports come without parties or sources; a manager's guards with masked ids
    assert api_for(guard.user).get("/api/v1/disputes/").json()["count"] == 2
    assert api_for(guard.user).get("/api/v1/tips/").json()["count"] == 2
    assert api_for(guard.user).get("/api/v1/guards/").json()["count"] == 1
    assert api_for(manager).get("/api/v1/guards/").json()["results"][0]["national_id"] == guard.national_id_masked

    assert _lines() == []


def test_list_refused_or_filtered_out_writes_nothing(api_for, officer, manager, records):
    assert api_for(manager).get("/api/v1/disputes/").status_code == 403
    assert api_for(officer).get("/api/v1/disputes/", {"status": "bogus"}).status_code == 400
    assert _lines() == []


def test_officer_detail_reads_name_the_field_like_the_pages(api_for, client_for, officer, records):
    (dispute, _), (tip, _) = records

    api_for(officer).get(f"/api/v1/disputes/{dispute.pk}/")
    api_for(officer).get(f"/api/v1/tips/{tip.pk}/")
    client_for(officer).get(f"/disputes/{dispute.pk}/")
    client_for(officer).get(f"/disputes/tips/{tip.pk}/")

    details = [(line.object_type, line.detail) for line in _lines()]
    assert details == [
        ("disputes.dispute", {"field": "parties", "via": "api"}),
        ("disputes.tip", {"field": "source", "via": "api"}),
        ("disputes.dispute", {"field": "parties"}),
        ("disputes.tip", {"field": "source"}),
    ]


@pytest.mark.parametrize("url", [u for u, _, _ in LISTS])
def test_officer_list_query_count_is_flat_with_one_audit_insert(api_for, officer, point, guard, url, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            f.DisputeFactory(liaison_point=point, reporting_guard=guard, reported_by_kind="guard")
            f.TipFactory(liaison_point=point, source_kind="guard", source_guard=guard)
            f.GuardFactory(company=guard.company, liaison_point=point)

    make(1)
    api = api_for(fresh(officer))
    api.get(url)  # warm up whatever a first request caches (the duty policy, content types)
    # disputes: 1 count, 2 page joined to point/township/guards, 3 parties prefetch, 4 the audit INSERT;
    # tips: 1 count, 2 page, 3 the audit INSERT; guards: 1 count, 2 page, 3 the audit INSERT
    expected = {"/api/v1/disputes/": 4, "/api/v1/tips/": 3, "/api/v1/guards/": 3}[url]
    with django_assert_num_queries(expected):
        api.get(url)
    make(12)
    api = api_for(fresh(officer))
    with django_assert_num_queries(expected):
        assert len(api.get(url).json()["results"]) >= 13
    assert AuditEvent.objects.filter(kind=Kind.VIEW_CONFIDENTIAL).count() == 3  # one per request


def test_audit_list_read_names_the_model_and_skips_an_empty_read(officer):
    assert audit_list_read(request=None, model=Dispute, ids=[], field="parties") is None

    event = audit_list_read(request=None, model=Dispute, ids=[3, 5], field="parties")

    assert (event.object_type, event.object_id, event.detail["ids"]) == ("disputes.dispute", "", [3, 5])


def test_schema_documents_officer_only_fields_of_disputes_and_tips_as_optional(api_for, officer):
    schema = api_for(officer).get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    dispute, tip = components["DisputeForRole"], components["TipForRole"]
    assert {"parties", "reporter_phone", "outcome_note"} <= set(dispute["properties"]) - set(dispute["required"])
    assert {"source_guard", "volunteer_name", "volunteer_phone"} <= set(tip["properties"]) - set(tip["required"])
    assert {"id", "status"} <= set(dispute["required"]) & set(tip["required"])
    listed = schema["paths"]["/api/v1/disputes/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed == {"$ref": "#/components/schemas/PaginatedDisputeForRoleList"}


def test_officer_read_of_a_disputes_sessions_is_audited_once(api_for, officer, records):
    # given: a dispute with two mediation sessions (who was present at each)
    (dispute, _), _tips = records
    api = api_for(officer)
    for result in ("partial", "agreement"):
        MediationSession.objects.create(dispute=dispute, held_at=local_dt(2026, 11, 20, 10), result=result, parties_present="张三, 李四")

    # when
    response = api.get(f"/api/v1/disputes/{dispute.pk}/sessions/")

    # then
    assert response.status_code == 200 and len(response.json()) == 2
    [line] = _lines()
    assert (line.object_type, line.object_id, line.detail) == ("disputes.dispute", str(dispute.pk), {"field": "parties_present", "via": "api"})
