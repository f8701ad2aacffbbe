"""/api/v1/disputes and /api/v1/tips: roles and scoping, informant confidentiality, transitions
(409 when refused), filters, GeoJSON, bad input as 400 with field errors, flat query counts."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from disputes.models import Dispute, Tip
from tests import factories as f

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
CONFIDENTIAL_DISPUTE = {"parties", "reporter_name", "reporter_phone", "reporting_guard", "reporting_guard_name", "description"}
CONFIDENTIAL_TIP = {"source_kind", "source_guard", "source_guard_name", "volunteer_name", "volunteer_phone"}


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def guard_tip(guard, point):
    return f.TipFactory(liaison_point=point, source_kind="guard", source_guard=guard, volunteer_name="", volunteer_phone="")


@pytest.fixture
def other_tip(other_guard, point):
    return f.TipFactory(liaison_point=point, source_kind="guard", source_guard=other_guard, volunteer_name="", volunteer_phone="")


@pytest.fixture
def guard_dispute(guard, point):
    return f.DisputeFactory(liaison_point=point, reported_by_kind="guard", reporting_guard=guard)


def test_officer_sees_parties_and_sources(api_for, officer, guard_dispute, guard_tip, guard):
    api = api_for(officer)
    d = api.get(f"/api/v1/disputes/{guard_dispute.pk}/").json()
    assert d["parties"][0]["name"] == "张三" and d["reporting_guard_name"] == guard.name
    t = api.get(f"/api/v1/tips/{guard_tip.pk}/").json()
    assert t["source_guard_name"] == guard.name


@pytest.mark.parametrize("url", ["/api/v1/disputes/", "/api/v1/tips/", "/api/v1/disputes/geojson/", "/api/v1/tips/geojson/"])
def test_manager_gets_403_everywhere(api_for, manager, url, guard_dispute, guard_tip):
    assert api_for(manager).get(url).status_code == 403


def test_manager_cannot_read_details_or_report(api_for, manager, guard_dispute, guard_tip):
    api = api_for(manager)
    assert api.get(f"/api/v1/disputes/{guard_dispute.pk}/").status_code == 403
    assert api.get(f"/api/v1/tips/{guard_tip.pk}/").status_code == 403
    assert api.post("/api/v1/tips/", {"kind": "hazard", "text": "x", "place": "y"}, format="json").status_code == 403


def test_anonymous_gets_401(api_for, guard_tip):
    assert api_for(None).get("/api/v1/tips/").status_code == 401  # anonymous: 401 with WWW-Authenticate, not 403


def test_guard_sees_only_own_reports_without_confidential_fields(api_for, guard, guard_tip, other_tip, guard_dispute, point):
    f.DisputeFactory(liaison_point=point)  # an officer's dispute
    api = api_for(guard.user)
    tips = api.get("/api/v1/tips/").json()["results"]
    assert [t["id"] for t in tips] == [guard_tip.pk]
    assert not CONFIDENTIAL_TIP & set(tips[0])
    disputes = api.get("/api/v1/disputes/").json()["results"]
    assert [d["id"] for d in disputes] == [guard_dispute.pk]
    assert not CONFIDENTIAL_DISPUTE & set(disputes[0])
    # another guard's tip: 404, not 403 (it does not exist for this guard)
    assert api.get(f"/api/v1/tips/{other_tip.pk}/").status_code == 404
    body = api.get(f"/api/v1/tips/{guard_tip.pk}/").content.decode()
    assert other_tip.source_guard.name not in body


def test_guard_cannot_transition(api_for, guard, guard_tip, guard_dispute):
    api = api_for(guard.user)
    assert api.post(f"/api/v1/tips/{guard_tip.pk}/verify/").status_code == 403
    assert api.post(f"/api/v1/disputes/{guard_dispute.pk}/accept/").status_code == 403


def test_guard_reports_tip_with_photo(api_for, guard, point):
    photo = SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg")
    response = api_for(guard.user).post(
        "/api/v1/tips/", {"kind": "hazard", "text": "Broken rail", "place": "Bridge", "attachments": [photo],
                          "source_kind": "volunteer", "volunteer_name": "fake"}, format="multipart")
    assert response.status_code == 201, response.content
    tip = Tip.objects.get()
    assert (tip.source_kind, tip.source_guard, tip.volunteer_name) == ("guard", guard, "")
    assert response.json()["attachments"][0]["content_type"] == "image/jpeg"


def test_tip_with_wrong_file_is_400(api_for, guard, point):
    bad = SimpleUploadedFile("p.jpg", b"not an image at all", content_type="image/jpeg")
    response = api_for(guard.user).post("/api/v1/tips/", {"kind": "hazard", "text": "x", "place": "y", "attachments": [bad]}, format="multipart")
    assert response.status_code == 400 and "attachments" in response.json()
    assert not Tip.objects.exists()


def test_officer_reports_dispute_routed(api_for, officer, point):
    response = api_for(officer).post("/api/v1/disputes/", {
        "category": "property", "title": "Parking fees", "place": "Garden estate", "latitude": "32.2712345", "longitude": "111.6",
        "parties": [{"name": "业委会"}, {"name": "物业公司", "phone": "0710-1234567"}], "reported_by_kind": "resident",
        "reporter_name": "孙八",
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["liaison_point"] == point.pk and body["status"] == "reported" and len(body["parties"]) == 2


def test_dispute_bad_input_is_400_with_fields(api_for, officer, point):
    response = api_for(officer).post("/api/v1/disputes/", {"category": "x", "title": "", "place": "", "latitude": 95, "longitude": 1,
                                                            "parties": [{"phone": "1"}]}, format="json")
    assert response.status_code == 400
    assert {"category", "title", "place", "latitude", "parties"} <= set(response.json())
    assert not Dispute.objects.exists()


def test_transitions_and_409(api_for, officer, point):
    dispute = f.DisputeFactory(liaison_point=point)
    api = api_for(officer)
    assert api.post(f"/api/v1/disputes/{dispute.pk}/accept/", {"note": "On it"}, format="json").json()["status"] == "accepted"
    assert api.post(f"/api/v1/disputes/{dispute.pk}/accept/").status_code == 409  # double click
    assert api.post(f"/api/v1/disputes/{dispute.pk}/resolve/", {"agreement": "x"}, format="json").status_code == 409
    response = api.post(f"/api/v1/disputes/{dispute.pk}/escalate/", {}, format="json")
    assert response.status_code == 400 and "escalated_to" in response.json()
    assert api.post(f"/api/v1/disputes/{dispute.pk}/escalate/", {"escalated_to": "court"}, format="json").json()["status"] == "escalated"
    assert api.post(f"/api/v1/disputes/{dispute.pk}/reopen/", {"reason": "Court sent it back"}, format="json").json()["status"] == "accepted"
    session = api.post(f"/api/v1/disputes/{dispute.pk}/sessions/", {"held_at": timezone.now().isoformat(), "result": "agreement"}, format="json")
    assert session.status_code == 201
    timeline = api.get(f"/api/v1/disputes/{dispute.pk}/timeline/").json()
    assert [e["kind"] for e in timeline] == ["transition", "transition", "reopened", "transition", "session"]


def test_reassign_and_merge(api_for, officer, point, township):
    other_point = f.LiaisonPointFactory(township=township)
    a, b = f.DisputeFactory(liaison_point=point), f.DisputeFactory(liaison_point=point)
    api = api_for(officer)
    response = api.post(f"/api/v1/disputes/{a.pk}/reassign/", {"liaison_point": other_point.pk, "reason": "Closer"}, format="json")
    assert response.json()["liaison_point"] == other_point.pk
    assert api.post(f"/api/v1/disputes/{a.pk}/reassign/", {"liaison_point": point.pk}, format="json").status_code == 400
    assert api.post(f"/api/v1/disputes/{b.pk}/merge/", {"into": a.pk}, format="json").json()["id"] == a.pk
    assert Dispute.objects.get(pk=b.pk).status == "merged"


def test_tip_actions(api_for, officer, point, guard_tip):
    api = api_for(officer)
    assert api.post(f"/api/v1/tips/{guard_tip.pk}/verify/").json()["status"] == "verified"
    assert api.post(f"/api/v1/tips/{guard_tip.pk}/act/").json()["status"] == "acted"
    response = api.post(f"/api/v1/tips/{guard_tip.pk}/close/", {"outcome": "case_solved"}, format="json")
    assert response.status_code == 400 and "case_number" in response.json()
    body = api.post(f"/api/v1/tips/{guard_tip.pk}/close/", {"outcome": "case_solved", "case_number": "X-1"}, format="json").json()
    assert (body["status"], body["outcome"]) == ("closed", "case_solved")
    assert api.post(f"/api/v1/tips/{guard_tip.pk}/verify/").status_code == 409
    started = api.post(f"/api/v1/tips/{guard_tip.pk}/start-dispute/", {"category": "other", "title": "From tip", "latitude": "32.27", "longitude": "111.6"}, format="json")
    assert started.status_code == 201


def test_dispute_filters(api_for, officer, point, township):
    now = timezone.now()
    old = f.DisputeFactory(liaison_point=point, reported_at=now - datetime.timedelta(days=10), category="land")
    new = f.DisputeFactory(liaison_point=point, status="accepted")
    elsewhere = f.DisputeFactory(liaison_point=f.LiaisonPointFactory())
    api = api_for(officer)

    def ids(query):
        return {d["id"] for d in api.get(f"/api/v1/disputes/?{query}").json()["results"]}

    assert ids("overdue=true") == {old.pk}
    assert ids("overdue=false") == {new.pk, elsewhere.pk}
    assert ids("status=accepted") == {new.pk}
    assert ids("category=land") == {old.pk}
    assert ids(f"point={point.pk}") == {old.pk, new.pk}
    assert ids(f"township={township.pk}") == {old.pk, new.pk}
    assert ids(f"date_from={(now - datetime.timedelta(days=2)).date()}") == {new.pk, elsewhere.pk}
    assert ids(f"date_to={(now - datetime.timedelta(days=5)).date()}") == {old.pk}


def test_geojson(api_for, officer, point):
    d = f.DisputeFactory(liaison_point=point, title="<b>x</b>")
    body = api_for(officer).get("/api/v1/disputes/geojson/").json()
    assert body["type"] == "FeatureCollection"
    assert body["features"][0]["geometry"]["coordinates"] == [111.6, 32.27]
    assert body["features"][0]["properties"]["url"] == f"/disputes/{d.pk}/"


def test_nearby_suggests_duplicates(api_for, officer, point):
    near = f.DisputeFactory(liaison_point=point, latitude="32.271000", longitude="111.600000")
    f.DisputeFactory(liaison_point=point, latitude="32.300000", longitude="111.600000")  # ~3 km away
    f.DisputeFactory(liaison_point=point, status="resolved")  # not open
    rows = api_for(officer).get("/api/v1/disputes/nearby/?latitude=32.27&longitude=111.6").json()
    assert [r["id"] for r in rows] == [near.pk] and rows[0]["distance_m"] == 111
    assert api_for(officer).get("/api/v1/disputes/nearby/?latitude=x").status_code == 400


@pytest.mark.parametrize("url,factory", [("/api/v1/disputes/", "dispute"), ("/api/v1/tips/", "tip")])
def test_list_query_count_is_flat(api_for, officer, point, guard, url, factory, django_assert_max_num_queries, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            if factory == "dispute":
                f.DisputeFactory(liaison_point=point, reporting_guard=guard, reported_by_kind="guard", helped_by=guard)
            else:
                f.TipFactory(liaison_point=point, source_kind="guard", source_guard=guard)

    make(2)
    api = api_for(fresh(officer))
    with django_assert_max_num_queries(10) as few:
        assert api.get(url).status_code == 200
    make(15)
    api = api_for(fresh(officer))
    # 1 count, 2 page joined to point/township/guards (+ annotations, a dispute's parties prefetch),
    # then the one audit INSERT of the officer's read of parties/sources (one per request, not per row)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api.get(url).json()["results"]) == 17


def test_officer_cannot_report_as_a_guard(api_for, officer, point):
    response = api_for(officer).post("/api/v1/disputes/", {"category": "other", "title": "t", "place": "p", "latitude": "32.27",
                                                            "longitude": "111.6", "reported_by_kind": "guard"}, format="json")
    assert response.status_code == 400 and "reported_by_kind" in response.json()
