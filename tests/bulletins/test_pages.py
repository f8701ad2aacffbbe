"""Bulletin pages: archive, bulletin page (officer's full copy, manager's own copy), printable view,
the officer's actions (compile, suggestions, preview, send, retry), case figures (grid and CSV
upload: whole or nothing), recipients, the dashboard's week panel, and flat query counts."""
import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from bulletins.models import BulletinDelivery, BulletinRecipient, CaseFigure, TrendWeek, WeeklyBulletin
from bulletins.services import bulletin_compile, bulletin_send
from liaison_points.models import Township
from tests import factories as f
from tests.bulletins.conftest import MONDAY

pytestmark = pytest.mark.django_db

WEEK = "2026-W47"
FUTURE = "2099-W01"


@pytest.fixture
def draft(known_week):
    return bulletin_compile(monday=MONDAY)


@pytest.fixture
def sent(draft):
    bulletin_send(bulletin=draft)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def red_manager(known_week):
    return f.CompanyManagerFactory(company=known_week["red"], user__username="red_manager").user


@pytest.fixture
def red_guard(known_week):
    user = f.UserFactory(username="red_guard", role="guard")
    return f.GuardFactory(company=known_week["red"], liaison_point=known_week["busy"], user=user)


def _csv(text: str, name="cases.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


# --- who may see what -----------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/bulletins/", f"/bulletins/{WEEK}/", f"/bulletins/{WEEK}/print/", "/bulletins/cases/",
                                 "/bulletins/recipients/", "/bulletins/recipients/new/", f"/bulletins/{WEEK}/send/"])
def test_officer_pages_render(client_for, officer, draft, url):
    assert client_for(officer).get(url).status_code == 200


@pytest.mark.parametrize("url", ["/bulletins/", f"/bulletins/{WEEK}/", "/bulletins/cases/", "/bulletins/recipients/"])
def test_guard_gets_403_and_anonymous_goes_to_login(client_for, red_guard, draft, url):
    assert client_for(red_guard.user).get(url).status_code == 403
    response = client_for(None).get(url)
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_officer_bulletin_page_shows_every_part_and_the_officer_tools(client_for, officer, draft):
    page = client_for(officer).get(f"/bulletins/{WEEK}/").content.decode()
    assert "158" in page and "27" in page  # inspections and violations
    assert "红盾保安" in page and "蓝盾保安" in page  # the full copy names every company
    assert "Deliveries" in page and "Recompile" in page and "Send now" in page
    assert 'name="text"' in page and 'name="company"' in page


def test_manager_reads_their_company_copy_without_other_companies(client_for, red_manager, sent):
    c = client_for(red_manager)
    archive = c.get("/bulletins/").content.decode()
    assert WEEK in archive
    page = c.get(f"/bulletins/{WEEK}/").content.decode()
    assert "红盾保安" in page and "158" in page
    assert "蓝盾保安" not in page and "孙三" not in page  # other company and its guard
    assert "Deliveries" not in page and "Recompile" not in page and 'name="text"' not in page
    printable = c.get(f"/bulletins/{WEEK}/print/").content.decode()
    assert "红盾保安" in printable and "蓝盾保安" not in printable


def test_manager_cannot_preview_another_company_by_query(client_for, red_manager, sent, known_week):
    page = client_for(red_manager).get(f"/bulletins/{WEEK}/?company={known_week['blue'].pk}").content.decode()
    assert "红盾保安" in page and "蓝盾保安" not in page


def test_manager_does_not_see_drafts(client_for, red_manager, draft):
    c = client_for(red_manager)
    assert WEEK not in c.get("/bulletins/").content.decode()
    assert c.get(f"/bulletins/{WEEK}/").status_code == 404
    assert c.get(f"/bulletins/{WEEK}/print/").status_code == 404


@pytest.mark.parametrize("method,url", [
    ("post", f"/bulletins/{WEEK}/suggestions/"), ("get", f"/bulletins/{WEEK}/send/"), ("post", f"/bulletins/{WEEK}/send/"),
    ("post", f"/bulletins/{WEEK}/compile/"), ("post", "/bulletins/compile/"), ("get", "/bulletins/recipients/"),
    ("get", "/bulletins/recipients/new/"), ("post", "/bulletins/recipients/sync/"), ("get", "/bulletins/cases/"),
    ("post", "/bulletins/cases/import/"), ("get", "/bulletins/cases/template.csv"),
])
def test_manager_cannot_act_on_bulletins(client_for, red_manager, draft, method, url):
    response = getattr(client_for(red_manager), method)(url, {"text": "x", "week": WEEK})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.officer_suggestions == ""


def test_officer_previews_a_company_copy(client_for, officer, draft, known_week):
    page = client_for(officer).get(f"/bulletins/{WEEK}/?company={known_week['red'].pk}").content.decode()
    content = page.split('class="bulletin-sheet"', 1)[1].split("</article>", 1)[0]
    assert "红盾保安" in content and "蓝盾保安" not in content
    assert "previewing" in page


def test_print_view_is_a_clean_page_without_navigation(client_for, officer, draft):
    response = client_for(officer).get(f"/bulletins/{WEEK}/print/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="mainnav"' not in page and "print-sheet" in page and "css/bulletins.css" in page
    assert "158" in page and "data-print" in page and "js/app.js" in page  # the button prints, from a script file


def test_unknown_week_in_url_is_404_and_lowercase_label_redirects(client_for, officer, draft):
    c = client_for(officer)
    assert c.get("/bulletins/2026-W99/").status_code == 404
    response = c.get("/bulletins/2026w47/")
    assert response.status_code == 302 and response["Location"] == f"/bulletins/{WEEK}/"


# --- compile, suggestions, send, retry ------------------------------------------------------------

def test_compiling_a_week_that_has_not_started_says_so(client_for, officer):
    response = client_for(officer).post("/bulletins/compile/", {"week": FUTURE}, follow=True)
    assert "has not started yet" in response.content.decode()
    assert not WeeklyBulletin.objects.exists()
    page = client_for(officer).get(f"/bulletins/{FUTURE}/").content.decode()
    assert "has not started yet" in page and "Recompile" not in page


def test_compile_from_the_archive_then_recompile_a_draft(client_for, officer, known_week):
    c = client_for(officer)
    response = c.post("/bulletins/compile/", {"week": WEEK})
    assert response.status_code == 302 and response["Location"] == f"/bulletins/{WEEK}/"
    bulletin = WeeklyBulletin.objects.get()
    first = bulletin.compiled_at
    response = c.post(f"/bulletins/{WEEK}/compile/", follow=True)
    assert "recompiled" in response.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.compiled_at > first


def test_a_bad_week_in_the_compile_form_is_a_message(client_for, officer):
    response = client_for(officer).post("/bulletins/compile/", {"week": "tuesday"}, follow=True)
    assert "ISO week such as 2026-W47" in response.content.decode()


def test_sent_bulletin_is_not_recompiled(client_for, officer, sent):
    compiled_at = sent.compiled_at
    response = client_for(officer).post(f"/bulletins/{WEEK}/compile/", follow=True)
    assert "kept as it went out" in response.content.decode()
    sent.refresh_from_db()
    assert sent.compiled_at == compiled_at


def test_officer_suggestions_are_saved_and_shown(client_for, officer, draft):
    c = client_for(officer)
    c.post(f"/bulletins/{WEEK}/suggestions/", {"text": "Check the river bank\n\nPatrol the market at night"})
    draft.refresh_from_db()
    assert draft.officer_suggestions == "Check the river bank\n\nPatrol the market at night"
    page = c.get(f"/bulletins/{WEEK}/").content.decode()
    assert '<li class="bl-li">Patrol the market at night</li>' in page


def test_suggestions_of_a_sent_bulletin_cannot_change(client_for, officer, sent):
    response = client_for(officer).post(f"/bulletins/{WEEK}/suggestions/", {"text": "late"}, follow=True)
    assert "can no longer change" in response.content.decode()
    sent.refresh_from_db()
    assert sent.officer_suggestions == ""


def test_send_page_asks_first_and_sending_twice_reaches_each_recipient_once(
    client_for, officer, draft, django_capture_on_commit_callbacks
):
    BulletinRecipient.objects.create(name="Station", email="station@example.com", kind="station")
    BulletinRecipient.objects.create(name="Off", email="off@example.com", active=False)
    c = client_for(officer)
    confirm = c.get(f"/bulletins/{WEEK}/send/").content.decode()
    assert "station@example.com" in confirm and "off@example.com" not in confirm
    assert not mail.outbox  # the GET sends nothing

    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/bulletins/{WEEK}/send/")
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(f"/bulletins/{WEEK}/send/", follow=True)

    assert [m.to for m in mail.outbox] == [["station@example.com"]]
    assert "nobody was sent it twice" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "sent" and draft.sent_by == officer


def test_failed_delivery_is_shown_and_retried(client_for, officer, sent, django_capture_on_commit_callbacks):
    delivery = BulletinDelivery.objects.create(
        bulletin=sent, email="broken@example.com", status="failed", attempts=5, last_error="SMTPRecipientsRefused: 550"
    )
    c = client_for(officer)
    page = c.get(f"/bulletins/{WEEK}/").content.decode()
    assert "SMTPRecipientsRefused: 550" in page and f"/deliveries/{delivery.pk}/retry/" in page
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/bulletins/{WEEK}/deliveries/{delivery.pk}/retry/")
    delivery.refresh_from_db()
    assert delivery.status == "sent" and mail.outbox[-1].to == ["broken@example.com"]
    response = c.post(f"/bulletins/{WEEK}/deliveries/{delivery.pk}/retry/", follow=True)  # no longer failed
    assert "Only a failed delivery can be retried" in response.content.decode()


# --- case figures ---------------------------------------------------------------------------------

@pytest.fixture
def towns(db):
    return [f.TownshipFactory(code="T1", name="城关镇"), f.TownshipFactory(code="T2", name="石花镇")]


def test_case_grid_saves_counts_for_the_week(client_for, officer, towns):
    c = client_for(officer)
    page = c.get(f"/bulletins/cases/?week={WEEK}").content.decode()
    assert "城关镇" in page and f'name="count_{towns[0].pk}"' in page
    response = c.post(f"/bulletins/cases/?week={WEEK}", {"week": WEEK, f"count_{towns[0].pk}": "4", f"count_{towns[1].pk}": ""})
    assert response.status_code == 302
    assert list(CaseFigure.objects.values_list("township__code", "week_start", "count")) == [("T1", MONDAY, 4)]


def test_case_grid_with_a_bad_count_saves_nothing_and_names_the_field(client_for, officer, towns):
    response = client_for(officer).post("/bulletins/cases/", {"week": WEEK, f"count_{towns[0].pk}": "4", f"count_{towns[1].pk}": "-2"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page and "whole number" in page and 'aria-invalid="true"' in page
    assert 'value="-2"' in page  # what was typed stays
    assert not CaseFigure.objects.exists()


def test_case_grid_refuses_to_blank_an_entered_figure(client_for, officer, towns):
    CaseFigure.objects.create(township=towns[0], week_start=MONDAY, count=3)
    response = client_for(officer).post("/bulletins/cases/", {"week": WEEK, f"count_{towns[0].pk}": ""})
    assert "cannot be blanked" in response.content.decode()
    assert CaseFigure.objects.get().count == 3


def test_case_grid_for_a_future_week_is_read_only(client_for, officer, towns):
    page = client_for(officer).get(f"/bulletins/cases/?week={FUTURE}").content.decode()
    assert "has not begun" in page and "disabled" in page


def test_case_page_with_a_bad_week_falls_back_to_last_week(client_for, officer, towns):
    response = client_for(officer).get("/bulletins/cases/?week=soon")
    assert response.status_code == 200 and "is not a week" in response.content.decode()


def test_csv_upload_good_file_reports_counts(client_for, officer, towns):
    CaseFigure.objects.create(township=towns[0], week_start=MONDAY, count=1)
    data = f"week,township,count\n{WEEK},T1,5\n{WEEK},石花镇,2\n2026-11-10,T1,3\n"
    response = client_for(officer).post("/bulletins/cases/import/", {"file": _csv(data)}, follow=True)
    assert "2 new and 1 updated" in response.content.decode()
    assert CaseFigure.objects.count() == 3 and CaseFigure.objects.get(township=towns[0], week_start=MONDAY).count == 5


def test_csv_upload_bad_file_shows_every_line_error_and_imports_nothing(client_for, officer, towns):
    data = f"week,township,count\n{WEEK},T9,5\n{WEEK},T1,many\nsoon,T2,1\n"
    response = client_for(officer).post("/bulletins/cases/import/", {"file": _csv(data)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported." in page
    assert "Line 2:" in page and "Line 3:" in page and "Line 4:" in page
    assert not CaseFigure.objects.exists()


def test_csv_upload_mixed_file_imports_nothing(client_for, officer, towns):
    data = f"week,township,count\n{WEEK},T1,5\n{WEEK},T2,-1\n"
    page = client_for(officer).post("/bulletins/cases/import/", {"file": _csv(data)}).content.decode()
    assert "Nothing was imported." in page and "Line 3:" in page and "Line 2:" not in page
    assert not CaseFigure.objects.exists()


def test_csv_upload_without_a_file_is_a_field_error(client_for, officer, towns):
    response = client_for(officer).post("/bulletins/cases/import/", {})
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_csv_template_lists_every_township_for_the_week_and_imports_once_filled(client_for, officer, towns):
    c = client_for(officer)
    response = c.get(f"/bulletins/cases/template.csv?week={WEEK}")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv") and "case-figures-2026-W47.csv" in response["Content-Disposition"]
    lines = text.strip().splitlines()
    # Every township, the officer's own (a factory code, which may sort anywhere) among them.
    assert lines[0] == "week,township,count,township_name"
    assert f"{WEEK},T1,,城关镇" in lines[1:] and f"{WEEK},T2,,石花镇" in lines[1:]
    filled = "\n".join([lines[0]] + [line.replace(",,", ",7,") for line in lines[1:]])
    c.post("/bulletins/cases/import/", {"file": _csv(filled)})
    assert CaseFigure.objects.filter(week_start=MONDAY, count=7).count() == Township.objects.count() == len(lines) - 1


# --- recipients -----------------------------------------------------------------------------------

def test_recipient_add_edit_and_deactivate(client_for, officer, company):
    c = client_for(officer)
    response = c.post("/bulletins/recipients/new/", {"name": "Manager", "email": "Boss@Example.com", "kind": "manager",
                                                     "company": company.pk, "language": "en", "active": "on"})
    assert response.status_code == 302
    recipient = BulletinRecipient.objects.get()
    assert recipient.email == "boss@example.com" and recipient.company == company
    c.post(f"/bulletins/recipients/{recipient.pk}/edit/", {"name": "Boss", "email": "boss@example.com", "kind": "extra",
                                                          "language": "zh-hans", "active": "on"})
    recipient.refresh_from_db()
    assert recipient.name == "Boss" and recipient.company is None
    c.post(f"/bulletins/recipients/{recipient.pk}/active/", {"active": "0"})
    recipient.refresh_from_db()
    assert recipient.active is False
    assert "Reactivate" in c.get("/bulletins/recipients/").content.decode()


def test_recipient_form_errors(client_for, officer):
    BulletinRecipient.objects.create(name="Taken", email="taken@example.com")
    c = client_for(officer)
    page = c.post("/bulletins/recipients/new/", {"name": "", "email": "TAKEN@example.com", "kind": "manager", "language": "en"}).content.decode()
    assert "already exists" in page and "choose it" in page and "This field is required" in page
    assert BulletinRecipient.objects.count() == 1


def test_add_all_officers_and_managers(client_for, officer, manager):
    officer.email, manager.email = "officer@example.com", "manager@example.com"
    officer.save(), manager.save()
    c = client_for(officer)
    response = c.post("/bulletins/recipients/sync/", follow=True)
    assert "2 officers and managers added" in response.content.decode()
    assert BulletinRecipient.objects.get(email="manager@example.com").company_id == manager.manager_profile.company_id
    response = c.post("/bulletins/recipients/sync/", follow=True)
    assert "already on the list" in response.content.decode()


# --- dashboard ------------------------------------------------------------------------------------

def test_dashboard_shows_this_week_so_far(client_for, officer, point):
    page = client_for(officer).get("/dashboard/").content.decode()
    assert "This week so far" in page and "Roll-call attendance" in page and "Disputes new / overdue" in page
    assert "County overview" in page and "JPO.dashboardMap" in page  # the dashboard's own content stays


def test_dashboard_query_count_is_flat_with_the_week_panel(client_for, officer, point, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(officer)
    f.GuardFactory.create_batch(2, liaison_point=point)
    with CaptureQueriesContext(connection) as small:
        c.get("/dashboard/")
    cache.clear()
    TrendWeek.objects.all().delete()  # cold: nothing cached, no completed week stored
    f.GuardFactory.create_batch(10, liaison_point=point)
    f.LiaisonPointFactory.create_batch(5)
    f.DisputeFactory.create_batch(3, liaison_point=point)
    with django_assert_num_queries(len(small.captured_queries)):
        c.get("/dashboard/")
    with django_assert_num_queries(11):  # the week panel and the trends are cached; 5 for the action queue
        c.get("/dashboard/")


# --- query counts ---------------------------------------------------------------------------------

def _recipients(n, start=0):
    BulletinRecipient.objects.bulk_create(
        BulletinRecipient(name=f"R{i}", email=f"r{i}@example.com") for i in range(start, start + n)
    )


def test_archive_query_count_is_flat(client_for, officer, draft, django_assert_num_queries):
    c = client_for(officer)
    # 1 session, 2 user, 3 count, 4 bulletins with delivery counts by status
    with django_assert_num_queries(4):
        c.get("/bulletins/")
    for k in range(1, 6):
        bulletin = WeeklyBulletin.objects.create(week_start=MONDAY - datetime.timedelta(weeks=k), figures=draft.figures)
        BulletinDelivery.objects.bulk_create(BulletinDelivery(bulletin=bulletin, email=f"x{i}@example.com") for i in range(k))
    with django_assert_num_queries(4):
        c.get("/bulletins/")


def test_bulletin_page_query_count_is_flat(client_for, officer, red_manager, draft, django_assert_num_queries):
    _recipients(2)
    bulletin_send(bulletin=draft, by=officer)
    c = client_for(officer)
    # 1 session, 2 user, 3 bulletin with counts, 4 deliveries with recipient and company,
    # 5 companies for the preview select
    with django_assert_num_queries(5):
        c.get(f"/bulletins/{WEEK}/")
    _recipients(20, start=2)
    bulletin_send(bulletin=draft)
    with django_assert_num_queries(5):
        c.get(f"/bulletins/{WEEK}/")
    m = client_for(red_manager)
    # 1 session, 2 user, 3 manager profile (scope), 4 bulletin, 5 their company
    with django_assert_num_queries(5):
        m.get(f"/bulletins/{WEEK}/")


def test_recipient_list_query_count_is_flat(client_for, officer, company, django_assert_num_queries):
    _recipients(2)
    c = client_for(officer)
    # 1 session, 2 user, 3 recipients with company
    with django_assert_num_queries(3):
        c.get("/bulletins/recipients/")
    _recipients(30, start=2)
    BulletinRecipient.objects.bulk_create(
        BulletinRecipient(name=f"M{i}", email=f"m{i}@example.com", kind="manager", company=company) for i in range(5)
    )
    with django_assert_num_queries(3):
        c.get("/bulletins/recipients/")


def test_case_figures_page_query_count_is_flat(client_for, officer, towns, django_assert_num_queries):
    c = client_for(officer)
    # 1 session, 2 user, 3 figures of the week and the week before, 4 townships
    with django_assert_num_queries(4):
        c.get(f"/bulletins/cases/?week={WEEK}")
    for i in range(10):
        town = f.TownshipFactory(code=f"X{i}")
        CaseFigure.objects.create(township=town, week_start=MONDAY, count=i, entered_by=officer)
        CaseFigure.objects.create(township=town, week_start=MONDAY - datetime.timedelta(weeks=1), count=i)
    with django_assert_num_queries(4):
        c.get(f"/bulletins/cases/?week={WEEK}")
