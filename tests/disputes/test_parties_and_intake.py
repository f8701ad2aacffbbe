"""Issue 11: a dispute's parties as rows (name, role, optional phone checked as a Chinese mobile or
landline), intake by township or address when the caller gives no map position (routed to the
township's point, marked "position to be added" until an officer adds it), and every refusal of
the dispute forms shown beside its field with what was typed kept — pages and API alike."""
from decimal import Decimal

import pytest

from disputes.models import Dispute, DisputeEvent, DisputeParty
from disputes.services import dispute_merge, dispute_report
from liaison_points.models import LiaisonPoint
from liaison_points.selectors import liaison_point_for_township, township_in_address
from tests import factories as f

pytestmark = pytest.mark.django_db

STALL = "摊主张某（男，约50岁）与顾客李某（女）"
RESIDENT = "住户王某（男，约60岁）"
NULL_MESSAGES = ("这个值不能为 null", "This field cannot be null")


@pytest.fixture
def town_points(township):
    """城关镇 with a patrol post (code first) and its central office, plus a closed point."""
    post = f.LiaisonPointFactory(township=township, code="A001", kind=LiaisonPoint.Kind.PATROL_POST, latitude="32.30", longitude="111.70")
    central = f.LiaisonPointFactory(township=township, code="B001", kind=LiaisonPoint.Kind.CENTRAL, latitude="32.20", longitude="111.50")
    f.LiaisonPointFactory(township=township, code="0000", kind=LiaisonPoint.Kind.CENTRAL, active=False)
    return post, central


def officer_form(**extra):
    data = {"category": "neighbours", "title": "Noise at night", "place": "幸福小区3栋", "reported_by_kind": "officer"}
    data.update(extra)
    return data


def error_of(html: str, name: str) -> bool:
    """The page shows an error list right after the field `name` (partials/field.html)."""
    return f'id="id_{name}_error"' in html


# --- routing by township --------------------------------------------------------------------------


def test_a_township_goes_to_its_active_central_office_else_its_first_point(township, town_points):
    post, central = town_points
    assert liaison_point_for_township(township) == central
    central.active = False
    central.save()
    assert liaison_point_for_township(township) == post
    assert liaison_point_for_township(f.TownshipFactory(name="无点乡")) is None


def test_the_township_named_in_an_address_is_found(township):
    longer = f.TownshipFactory(name="城关镇东城街道")
    assert township_in_address("城关镇幸福小区3栋") == township
    assert township_in_address("城关镇东城街道和平路5号") == longer
    assert township_in_address("Somewhere else") is None and township_in_address("") is None


def test_service_takes_a_dispute_by_township_and_waits_for_its_position(officer, township, town_points):
    dispute = dispute_report(by=officer, category="land", title="Fence", place="north field", township=township,
                             parties=[{"name": RESIDENT}])
    assert dispute.liaison_point == town_points[1] and dispute.township == township
    assert dispute.latitude is None and dispute.needs_position
    assert DisputeEvent.objects.get(dispute=dispute, kind="reported").to_point == town_points[1]


def test_service_finds_the_township_in_the_address(officer, township, town_points):
    dispute = dispute_report(by=officer, category="land", title="Fence", place="城关镇北村3组", parties=[{"name": RESIDENT}])
    assert dispute.township == township and dispute.liaison_point == town_points[1]


def test_service_without_position_or_township_names_both_fields(officer, town_points):
    with pytest.raises(Exception) as caught:
        dispute_report(by=officer, category="land", title="Fence", place="north field", parties=[{"name": "甲"}])
    assert {"latitude", "township"} <= set(caught.value.message_dict)
    assert not Dispute.objects.exists()


def test_service_refuses_a_township_without_an_open_point(officer, point):
    empty = f.TownshipFactory(name="无点乡")
    with pytest.raises(Exception) as caught:
        dispute_report(by=officer, category="land", title="Fence", place="x", township=empty, parties=[{"name": "甲"}])
    assert set(caught.value.message_dict) == {"township"}


# --- parties as rows ------------------------------------------------------------------------------


def test_service_stores_rows_and_checks_phones(officer, point):
    dispute = dispute_report(by=officer, category="neighbours", title="Noise", place="Block 3", latitude="32.27", longitude="111.6", parties=[
        {"name": STALL, "role": "applicant"}, {"name": "李某", "role": "respondent", "phone": "13907100001"},
        {"name": "物业", "role": "witness", "phone": "0710-1234567"},
    ])
    assert [(p.name, p.role, p.phone) for p in dispute.party_rows.all()] == [
        (STALL, "applicant", ""), ("李某", "respondent", "13907100001"), ("物业", "witness", "0710-1234567"),
    ]
    with pytest.raises(Exception) as caught:
        dispute_report(by=officer, category="neighbours", title="Noise", place="Block 3", latitude="32.27", longitude="111.6",
                       parties=[{"name": "甲", "phone": "约60岁"}])
    assert "parties" in caught.value.message_dict and "Party 1" in caught.value.message_dict["parties"][0]


def test_service_requires_a_party(officer, point):
    with pytest.raises(Exception) as caught:
        dispute_report(by=officer, category="neighbours", title="Noise", place="Block 3", latitude="32.27", longitude="111.6")
    assert set(caught.value.message_dict) == {"parties"}


def test_merge_copies_the_duplicates_new_party_rows(officer, point):
    keep = dispute_report(by=officer, category="neighbours", title="Noise", place="Block 3", latitude="32.27", longitude="111.6",
                          parties=[{"name": "张三", "phone": "13900000001"}])
    dup = dispute_report(by=officer, category="neighbours", title="Music", place="Block 3", latitude="32.27", longitude="111.6",
                         parties=[{"name": "张三", "phone": "13900000001"}, {"name": "王五", "role": "witness"}])
    dispute_merge(duplicate=dup, into=keep, by=officer)
    assert [(p.name, p.role, p.position) for p in keep.party_rows.all()] == [("张三", "party", 0), ("王五", "witness", 1)]


# --- pages: the guard's and the officer's forms ---------------------------------------------------


def test_guard_page_takes_an_ordinary_party_description(client_for, guard, point):
    response = client_for(guard.user).post("/disputes/report/", {
        "category": "consumer", "title": "Price quarrel", "place": "Market gate", **f.party_rows(STALL, spare=2)})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Dispute.objects.get().parties == [{"name": STALL, "role": "party", "phone": ""}]


def test_guard_page_shows_three_rows_without_javascript_and_the_add_button_script(client_for, guard, point):
    html = client_for(guard.user).get("/disputes/report/").content.decode()
    assert all(f'name="parties-{i}-name"' in html for i in range(3)) and 'name="parties-TOTAL_FORMS"' in html
    assert "parties-__prefix__-name" in html and "js/party_rows.js" in html and "<script>" not in html


def test_officer_page_takes_two_rows_and_a_description_that_is_not_a_phone(client_for, officer, point):
    response = client_for(officer).post("/disputes/new/", officer_form(
        latitude="32.27", longitude="111.6", **f.party_rows((RESIDENT, "applicant", ""), ("赵某", "respondent", "13907100002"), spare=1)))
    assert response.status_code == 302, response.content.decode()[:3000]
    dispute = Dispute.objects.get()
    assert dispute.parties == [{"name": RESIDENT, "role": "applicant", "phone": ""}, {"name": "赵某", "role": "respondent", "phone": "13907100002"}]
    assert dispute.liaison_point == point and not dispute.needs_position


@pytest.mark.parametrize("phone", ["约60岁", "12345", "1390710000", "010-12"])
def test_page_bad_phone_row_is_refused_beside_it_and_keeps_everything_typed(client_for, officer, point, phone):
    response = client_for(officer).post("/disputes/new/", officer_form(
        latitude="32.27", longitude="111.6", **f.party_rows(("甲", "party", "13907100001"), ("乙某", "witness", phone))))
    html = response.content.decode()
    assert response.status_code == 200 and not Dispute.objects.exists() and not DisputeParty.objects.exists()
    assert error_of(html, "parties-1-phone") and not error_of(html, "parties-0-phone")
    assert f'value="{phone}"' in html and 'value="乙某"' in html and 'value="Noise at night"' in html


def test_page_without_parties_says_so_beside_the_rows(client_for, officer, point):
    response = client_for(officer).post("/disputes/new/", officer_form(latitude="32.27", longitude="111.6", **f.party_rows(spare=3)))
    assert response.status_code == 200 and error_of(response.content.decode(), "parties") and not Dispute.objects.exists()


def test_page_too_many_rows_is_refused_not_a_500(client_for, officer, point):
    response = client_for(officer).post("/disputes/new/", officer_form(latitude="32.27", longitude="111.6", **f.party_rows(*[f"人{i}" for i in range(25)])))
    assert response.status_code == 200 and error_of(response.content.decode(), "parties") and not Dispute.objects.exists()


def test_page_takes_a_dispute_by_township_and_the_list_marks_it(client_for, officer, township, town_points):
    c = client_for(officer)
    response = c.post("/disputes/new/", officer_form(place="north field", township=township.pk, **f.party_rows("甲")))
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and dispute.liaison_point == town_points[1] and dispute.needs_position
    f.DisputeFactory(liaison_point=town_points[0], title="Has a position")
    listed = c.get("/disputes/all/?needs_position=yes").content.decode()
    assert "Noise at night" in listed and "Has a position" not in listed and "data-needs-position" in listed
    assert "Has a position" in c.get("/disputes/all/?needs_position=no").content.decode()
    # a later edit adds the position; the mark goes, and the dispute goes to the point nearest to it (H8)
    response = c.post(f"/disputes/{dispute.pk}/do/position/", {"latitude": "32.281234", "longitude": "111.612345"})
    dispute.refresh_from_db()
    assert response.status_code == 302 and dispute.latitude == Decimal("32.281234") and not dispute.needs_position
    assert dispute.liaison_point == town_points[0]


def test_page_unknown_township_is_a_field_error(client_for, officer, point):
    response = client_for(officer).post("/disputes/new/", officer_form(township="999999", **f.party_rows("甲")))
    assert response.status_code == 200 and error_of(response.content.decode(), "township") and not Dispute.objects.exists()


def test_page_neither_position_nor_township_names_the_fields(client_for, officer, point):
    response = client_for(officer).post("/disputes/new/", officer_form(place="north field", **f.party_rows("甲")))
    html = response.content.decode()
    assert response.status_code == 200 and error_of(html, "latitude") and error_of(html, "township")
    assert not any(m in html for m in NULL_MESSAGES) and not Dispute.objects.exists()


@pytest.mark.parametrize("lat,lng,field", [("95", "111.6", "latitude"), ("32.27", "-181", "longitude"), ("32.27", "", "longitude")])
def test_page_bad_coordinates_are_field_errors(client_for, officer, point, lat, lng, field):
    response = client_for(officer).post("/disputes/new/", officer_form(latitude=lat, longitude=lng, **f.party_rows("甲")))
    assert response.status_code == 200 and error_of(response.content.decode(), field) and not Dispute.objects.exists()


# --- pages: the action forms of the detail page keep what was typed ---------------------------------


def test_resolve_without_agreement_shows_the_form_again_with_the_note_kept(client_for, officer, point):
    dispute = f.DisputeFactory(liaison_point=point, status="mediating")
    response = client_for(officer).post(f"/disputes/{dispute.pk}/do/resolve/", {"agreement": "", "note": "双方仍在商量"})
    html = response.content.decode()
    assert response.status_code == 400 and error_of(html, "agreement") and "双方仍在商量" in html
    dispute.refresh_from_db()
    assert dispute.status == "mediating"


def test_reassign_to_the_same_point_is_refused_beside_the_point_with_the_reason_kept(client_for, officer, point):
    dispute = f.DisputeFactory(liaison_point=point)
    response = client_for(officer).post(f"/disputes/{dispute.pk}/do/reassign/", {"liaison_point": point.pk, "reason": "换到城东点"})
    html = response.content.decode()
    assert response.status_code == 400 and error_of(html, "liaison_point") and "换到城东点" in html


def test_bad_position_is_refused_beside_it(client_for, officer, point):
    dispute = f.DisputeFactory(liaison_point=point, latitude=None, longitude=None)
    response = client_for(officer).post(f"/disputes/{dispute.pk}/do/position/", {"latitude": "91", "longitude": "111.6"})
    html = response.content.decode()
    assert response.status_code == 400 and error_of(html, "latitude") and 'value="91"' in html
    dispute.refresh_from_db()
    assert dispute.needs_position


def test_detail_page_shows_party_rows_to_officers_only(client_for, officer, guard, point):
    dispute = f.DisputeFactory(liaison_point=point, reported_by_kind="guard", reporting_guard=guard,
                               parties=[{"name": STALL, "role": "applicant", "phone": "13907100001"}])
    assert STALL in client_for(officer).get(f"/disputes/{dispute.pk}/").content.decode()
    guard_page = client_for(guard.user).get(f"/disputes/{dispute.pk}/").content.decode()
    assert STALL not in guard_page and "13907100001" not in guard_page


def test_tip_start_dispute_reads_each_line_as_one_party(client_for, officer, point):
    tip = f.TipFactory(liaison_point=point, latitude="32.27", longitude="111.6")
    response = client_for(officer).post(f"/disputes/tips/{tip.pk}/do/start-dispute/", {
        "category": "neighbours", "title": "From a tip", "parties_text": f"{RESIDENT}\n赵某，13907100002"})
    assert response.status_code == 302
    assert Dispute.objects.get().parties == [{"name": RESIDENT, "role": "party", "phone": ""}, {"name": "赵某", "role": "party", "phone": "13907100002"}]


# --- API --------------------------------------------------------------------------------------------


def post(api_for, user, **body):
    data = {"category": "neighbours", "title": "Noise", "place": "north field", "parties": [{"name": "甲"}], **body}
    return api_for(user).post("/api/v1/disputes/", data, format="json")


def test_api_takes_a_dispute_by_township(api_for, officer, township, town_points):
    response = post(api_for, officer, township=township.pk, parties=[{"name": RESIDENT, "role": "applicant"}])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["liaison_point"] == town_points[1].pk and body["needs_position"] is True and body["latitude"] is None
    assert body["parties"] == [{"name": RESIDENT, "role": "applicant", "phone": ""}]
    assert api_for(officer).get("/api/v1/disputes/?needs_position=true").json()["count"] == 1
    assert api_for(officer).get("/api/v1/disputes/geojson/").json()["features"] == []
    moved = api_for(officer).post(f"/api/v1/disputes/{body['id']}/position/", {"latitude": "32.28", "longitude": "111.61"}, format="json")
    assert moved.status_code == 200 and moved.json()["needs_position"] is False
    assert api_for(officer).get("/api/v1/disputes/?needs_position=true").json()["count"] == 0


def test_api_bad_phone_is_a_400_on_its_row(api_for, officer, point):
    response = post(api_for, officer, latitude="32.27", longitude="111.6",
                    parties=[{"name": "甲", "phone": "13907100001"}, {"name": "乙", "phone": "约60岁"}])
    assert response.status_code == 400
    assert response.json()["parties"] == {"1": {"phone": [response.json()["parties"]["1"]["phone"][0]]}}  # row 2 only, its phone
    assert not Dispute.objects.exists()


@pytest.mark.parametrize("body,fields", [
    ({"latitude": "32.27", "longitude": "111.6", "parties": []}, {"parties"}),
    ({"latitude": "32.27", "longitude": "111.6", "parties": [{"name": "甲", "role": "boss"}]}, {"parties"}),
    ({"township": 999999}, {"township"}),
    ({}, {"latitude", "township"}),
    ({"latitude": "95", "longitude": "111.6"}, {"latitude"}),
    ({"latitude": "32.27"}, {"longitude"}),
])
def test_api_bad_input_is_a_400_naming_its_fields(api_for, officer, point, body, fields):
    response = post(api_for, officer, **body)
    assert response.status_code == 400 and fields <= set(response.json()), response.content
    assert not any(m in response.content.decode() for m in NULL_MESSAGES) and not Dispute.objects.exists()


def test_api_guard_reads_no_parties(api_for, guard, point):
    dispute = f.DisputeFactory(liaison_point=point, reported_by_kind="guard", reporting_guard=guard)
    body = api_for(guard.user).get(f"/api/v1/disputes/{dispute.pk}/").json()
    assert "parties" not in body and body["needs_position"] is False
