"""Pages: the officer queue, lists, details with timeline and actions; the guard's phone pages
(keep typed text when a submit fails); 403 for managers; 404 outside a guard's own reports;
informants hidden; user text escaped; attachments only through the authorised view; flat queries."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from disputes.models import Dispute, Tip
from disputes.services import tip_report
from tests import factories as f

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
XSS = "<script>alert('x')</script>"


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def guard_tip(guard, point):
    return tip_report(by=guard.user, kind="case_lead", text="Van without plates", place="Lane 3",
                      files=[SimpleUploadedFile("v.jpg", JPEG, content_type="image/jpeg")])


PAGES = ["/disputes/", "/disputes/all/", "/disputes/tips/", "/disputes/new/", "/disputes/tips/new/"]


@pytest.mark.parametrize("url", PAGES)
def test_officer_pages_render(client_for, officer, url, point):
    f.DisputeFactory(liaison_point=point)
    f.TipFactory(liaison_point=point)
    assert client_for(officer).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES + ["/disputes/report/", "/disputes/tips/report/"])
def test_manager_gets_403(client_for, manager, url):
    assert client_for(manager).get(url).status_code == 403


def test_manager_cannot_open_details_or_files(client_for, manager, guard_tip, point):
    dispute = f.DisputeFactory(liaison_point=point)
    c = client_for(manager)
    assert c.get(f"/disputes/{dispute.pk}/").status_code == 403
    assert c.get(f"/disputes/tips/{guard_tip.pk}/").status_code == 403
    assert c.get(f"/disputes/tips/attachments/{guard_tip.attachments.get().pk}/").status_code == 403


def test_anonymous_is_sent_to_login(client_for):
    response = client_for(None).get("/disputes/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_officer_tip_detail_shows_source_guard_does_not(client_for, officer, guard, guard_tip):
    page = client_for(officer).get(f"/disputes/tips/{guard_tip.pk}/").content.decode()
    assert guard.name in page and "Van without plates" in page
    page = client_for(guard.user).get(f"/disputes/tips/{guard_tip.pk}/").content.decode()
    assert "Van without plates" in page and "Source" not in page


def test_other_guard_gets_404(client_for, other_guard, guard_tip, company):
    user = f.UserFactory(username="guard_b", role="guard")
    other_guard.user = user
    other_guard.save()
    c = client_for(user)
    assert c.get(f"/disputes/tips/{guard_tip.pk}/").status_code == 404
    assert c.get(f"/disputes/tips/attachments/{guard_tip.attachments.get().pk}/").status_code == 404


def test_guard_dispute_page_hides_parties(client_for, guard, point):
    dispute = f.DisputeFactory(liaison_point=point, reported_by_kind="guard", reporting_guard=guard)
    page = client_for(guard.user).get(f"/disputes/{dispute.pk}/").content.decode()
    assert dispute.title in page and "张三" not in page and "13900000001" not in page
    assert "张三" in client_for(officer_user()).get(f"/disputes/{dispute.pk}/").content.decode()


def officer_user():
    return f.OfficerFactory().user


def test_attachment_served_only_through_view(client_for, officer, guard, guard_tip, settings):
    attachment = guard_tip.attachments.get()
    response = client_for(officer).get(f"/disputes/tips/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(guard.user).get(f"/disputes/tips/attachments/{attachment.pk}/").status_code == 200
    # not reachable under /media/
    assert client_for(officer).get(f"/{settings.MEDIA_URL}{attachment.file.name}").status_code == 404


def test_user_text_is_escaped(client_for, officer, point):
    dispute = f.DisputeFactory(liaison_point=point, title=XSS, place=XSS, description=XSS, parties=[{"name": XSS, "phone": ""}])
    tip = f.TipFactory(liaison_point=point, text=XSS, place=XSS, volunteer_name=XSS)
    c = client_for(officer)
    for url in (f"/disputes/{dispute.pk}/", f"/disputes/{tip.pk and ''}all/", f"/disputes/tips/{tip.pk}/", "/disputes/tips/", "/disputes/"):
        page = c.get(url).content.decode()
        assert XSS not in page, url
    assert "&lt;script&gt;" in c.get(f"/disputes/{dispute.pk}/").content.decode()


def test_guard_report_failure_keeps_typed_text(client_for, guard, point):
    response = client_for(guard.user).post("/disputes/tips/report/", {
        "kind": "hazard", "text": "Cracked wall at the school gate", "place": "",
        "attachments": [SimpleUploadedFile("x.gif", b"GIF89a..", content_type="image/gif")],
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cracked wall at the school gate" in page and 'class="errorlist"' in page
    assert 'data-draft-key="tip-report"' in page and "js/disputes.js" in page
    assert not Tip.objects.exists()


def test_guard_reports_tip_and_dispute(client_for, guard, point):
    c = client_for(guard.user)
    response = c.post("/disputes/tips/report/", {"kind": "missing", "text": "Old man wandering", "place": "Bus stop",
                                                  "attachments": [SimpleUploadedFile("m.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)]})
    tip = Tip.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/disputes/tips/{tip.pk}/?sent=tip-report"
    assert tip.source_guard == guard and tip.attachments.count() == 1
    response = c.post("/disputes/report/", {"category": "neighbours", "title": "Parking row", "place": "Gate 2",
                                             **f.party_rows(("甲", "applicant", "13900000003"), "乙", spare=2)})
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and dispute.reporting_guard == guard and len(dispute.parties) == 2


def test_officer_creates_dispute_then_acts(client_for, officer, point):
    c = client_for(officer)
    response = c.post("/disputes/new/", {"category": "labour", "title": "Wages", "place": "Site", "latitude": "32.27",
                                         "longitude": "111.6", "reported_by_kind": "resident", "reporter_name": "周九",
                                         **f.party_rows("周九")})
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and dispute.liaison_point == point
    c.post(f"/disputes/{dispute.pk}/do/accept/", {"note": ""})
    c.post(f"/disputes/{dispute.pk}/do/session/", {"held_at": "2026-01-05T10:00", "result": "agreement"})
    response = c.post(f"/disputes/{dispute.pk}/do/resolve/", {"agreement": ""}, follow=True)
    assert "This field is required" in response.content.decode()
    c.post(f"/disputes/{dispute.pk}/do/resolve/", {"agreement": "Paid in full"})
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.follow_ups.count() == 2
    response = c.post(f"/disputes/{dispute.pk}/do/accept/")  # refused: shown on the page, not a 500
    assert response.status_code == 400 and "cannot become" in response.content.decode()
    page = c.get(f"/disputes/{dispute.pk}/").content.decode()
    assert "Paid in full" in page and "Reopen" in page


def test_guard_cannot_post_actions(client_for, guard, point):
    dispute = f.DisputeFactory(liaison_point=point, reported_by_kind="guard", reporting_guard=guard)
    assert client_for(guard.user).post(f"/disputes/{dispute.pk}/do/accept/").status_code == 403


def test_queue_highlights_overdue(client_for, officer, point):
    f.DisputeFactory(liaison_point=point, title="Late one", reported_at=timezone.now() - datetime.timedelta(days=2))
    page = client_for(officer).get("/disputes/").content.decode()
    assert "Late one" in page and "No response in time" in page


@pytest.mark.parametrize("url", ["/disputes/all/", "/disputes/tips/", "/disputes/"])
def test_list_pages_query_count_is_flat(client_for, officer, point, guard, url, django_assert_max_num_queries, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            f.DisputeFactory(liaison_point=point, reporting_guard=guard, reported_by_kind="guard",
                             reported_at=timezone.now() - datetime.timedelta(days=3))
            f.TipFactory(liaison_point=point, source_kind="guard", source_guard=guard)

    make(2)
    c = client_for(fresh(officer))
    # session, user, scope, counts/page rows, filter selects (townships, points): no query per row
    with django_assert_max_num_queries(10) as few:
        assert c.get(url).status_code == 200
    make(12)
    c = client_for(fresh(officer))
    with django_assert_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
