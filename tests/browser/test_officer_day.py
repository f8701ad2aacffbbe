"""An officer's day, walked in chromium: the guard register, patrols, roll-call, inspections,
disputes and tips, the bulletin, rosters, payouts and assessments."""
import csv
import datetime
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_officer_finds_a_guard_on_the_second_page(open_as, site):
    page = open_as("officer")
    page.goto(site("/guards/"))
    first_on_page_one = page.locator("table.table tbody tr").first.locator("a").first.inner_text()

    page.get_by_role("link", name=re.compile("Next")).first.click()

    expect(page.locator(".pagination .current").first).to_contain_text("Page 2 of")
    first_on_page_two = page.locator("table.table tbody tr").first.locator("a").first.inner_text()
    assert first_on_page_two != first_on_page_one
    assert "page=2" in page.url and "??" not in page.url
    # and a guard found there opens
    page.locator("table.table tbody tr").first.locator("a").first.click()
    expect(page.locator("h1")).to_contain_text(first_on_page_two)


def test_officer_exports_the_filtered_guard_list(open_as, site):
    page = open_as("officer")
    page.goto(site("/guards/"))
    page.select_option("select[name=company]", index=1)
    page.select_option("select[name=status]", "active")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"company=\d+"))
    company = page.locator("select[name=company] option:checked").inner_text().strip()
    total = int(re.search(r"of (\d+)", page.locator(".result-count").inner_text()).group(1))
    shown = page.locator("table.table tbody tr td:first-child > a").all_inner_texts()

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert re.fullmatch(r"guards-\d{8}-\d{4}\.csv", download.value.suggested_filename)
    with open(download.value.path(), encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == ["Name", "Company"]
    assert len(rows) - 1 == total  # every page of the filtered list, not page 1 only
    assert [r[0] for r in rows[1 : len(shown) + 1]] == shown
    assert {r[1] for r in rows[1:]} == {company}
    assert {r[-1] for r in rows[1:]} == {"Active"}


def _national_id(serial: int) -> str:
    """A valid resident id (GB 11643 check digit) born 1990-01-01 in Gucheng county."""
    body = f"420625199001{serial % 100:02d}{serial % 1000:03d}"[:17]
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def test_officer_adds_a_guard_and_sees_the_typed_values(open_as, site):
    page = open_as("officer")
    page.goto(site("/guards/"))
    page.get_by_role("link", name="Add guard").click()
    page.select_option("select[name=company]", index=1)
    page.fill("input[name=name]", "测试保安甲")
    page.fill("input[name=phone]", "13912340077")
    page.fill("input[name=national_id]", _national_id(517))
    page.fill("input[name=post]", "城关镇测试小区")
    page.fill("input[name=post_latitude]", "32.262000")
    page.fill("input[name=post_longitude]", "111.640000")
    joined = page.locator("input[name=joined_on]")
    if joined.count() and not joined.input_value():
        joined.fill("2026-01-05")
    page.locator("main form button[type=submit]").last.click()

    expect(page.locator("h1")).to_contain_text("测试保安甲")
    facts = page.locator(".facts").first
    expect(facts).to_contain_text("13912340077")
    expect(facts).to_contain_text("城关镇测试小区")
    expect(facts).to_contain_text("32.262000, 111.640000")


def test_officer_plans_a_patrol_and_takes_the_roll_call(open_as, site):
    page = open_as("officer")
    page.goto(site("/patrols/"))
    page.get_by_role("link", name="Plan a patrol").click()
    page.select_option("select[name=liaison_point]", index=1)
    page.get_by_role("button", name="Load guards and checkpoints").click()
    day = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date() + datetime.timedelta(days=2)
    page.fill("input[name=planned_start]", f"{day}T19:00")
    page.fill("input[name=planned_end]", f"{day}T22:00")
    page.fill("textarea[name=notes]", "浏览器测试巡防")
    deployable = page.locator("tr", has=page.locator("input[name=guards]:not([disabled])")).filter(has_text="Yes")
    names = [deployable.nth(i).locator("td").nth(2).inner_text() for i in range(2)]
    for i in range(2):
        deployable.nth(i).locator("input[name=guards]").check()
    page.get_by_role("button", name="Plan patrol").click()

    expect(page.locator("main")).to_contain_text("浏览器测试巡防")
    for name in names:
        expect(page.locator("main")).to_contain_text(name)


def test_officer_takes_the_roll_call_and_finishes_the_patrol_after_confirming(open_as, site):
    page = open_as("officer")
    page.goto(site(f"/patrols/{site.data['patrol_id']}/"))
    row = page.locator("tr", has_text=site.data["teammate_name"])
    row.get_by_role("button", name="Absent").click()
    row = page.locator("tr", has_text=site.data["teammate_name"])
    expect(row.locator(".badge")).to_contain_text("Absent")
    expect(row.locator("button[aria-pressed=true]")).to_have_text("Absent")

    page.get_by_label("Anti-fraud").check()
    page.fill("input[name=people_reached]", "37")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Finish patrol").click()
    expect(page.locator(".page-head .badge, h1 .badge, .badge").first).to_contain_text("Done")
    expect(page.locator("main")).to_contain_text("37")
    assert questions and "Finish this patrol" in questions[0]


def test_officer_records_an_inspection(open_as, site):
    page = open_as("officer")
    page.goto(site("/patrols/inspections/"))
    page.locator("main a[href$='/inspections/new/']").first.click()
    page.fill("input[name=venue]", "测试网吧")
    page.select_option("select[name=trade]", index=1)
    page.select_option("select[name=township]", index=1)
    page.fill("input[name=address]", "城关镇测试路1号")
    page.select_option("select[name=inspectors]", index=0)
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("测试网吧")


def test_officer_takes_a_dispute_from_intake_to_outcome(open_as, site):
    page = open_as("officer")
    page.goto(site("/disputes/"))
    page.get_by_role("link", name="New dispute").first.click()
    page.select_option("select[name=category]", "neighbours")
    page.fill("input[name=title]", "楼道堆物纠纷（浏览器测试）")
    page.fill("textarea[name=description]", "三楼住户在楼道堆放杂物，邻居投诉。")
    # two party rows: a description that is no phone number, and a party with a mobile
    page.fill("input[name=parties-0-name]", "住户王某（男，约60岁）")
    page.select_option("select[name=parties-0-role]", "applicant")
    page.fill("input[name=parties-1-name]", "赵某")
    page.select_option("select[name=parties-1-role]", "respondent")
    page.fill("input[name=parties-1-phone]", "1390710000")  # one digit short
    page.fill("input[name=place]", "城关镇东环路12号")
    page.fill("input[name=latitude]", "32.263000")
    page.fill("input[name=longitude]", "111.643000")
    page.locator("main form button[type=submit]").last.click()
    # refused beside the phone, everything typed still there
    expect(page.locator("#id_parties-1-phone_error")).to_be_visible()
    expect(page.locator("input[name=parties-0-name]")).to_have_value("住户王某（男，约60岁）")
    expect(page.locator("input[name=title]")).to_have_value("楼道堆物纠纷（浏览器测试）")
    page.fill("input[name=parties-1-phone]", "13907100002")
    page.locator("main form button[type=submit]").last.click()

    expect(page.locator("h1")).to_contain_text("楼道堆物纠纷（浏览器测试）")
    parties = page.locator("[data-parties]")
    expect(parties).to_contain_text("住户王某（男，约60岁）")
    expect(parties).to_contain_text("Applicant")
    expect(parties).to_contain_text("13907100002")
    # outcome: resolved with the agreement typed
    for name in ("Accept", "Start mediation"):
        button = page.get_by_role("button", name=name)
        if button.count():
            button.first.click()
    resolve = page.locator("form[action$='/do/resolve/']")
    resolve.locator("textarea[name=agreement]").fill("王某三日内清理杂物。")
    resolve.get_by_role("button", name="Mark resolved").click()
    expect(page.locator("main")).to_contain_text("王某三日内清理杂物。")
    expect(page.locator("main")).to_contain_text("Resolved")


def test_officer_takes_a_dispute_by_township_without_a_map_position(open_as, site):
    page = open_as("officer")
    page.goto(site("/disputes/new/"))
    page.select_option("select[name=category]", "land")
    page.fill("input[name=title]", "田埂界址纠纷（浏览器测试）")
    page.fill("input[name=place]", "北山村三组")
    page.fill("input[name=parties-0-name]", "村民甲")
    page.get_by_role("button", name="Add a party").click()  # a fourth row, added by party_rows.js
    page.fill("input[name=parties-3-name]", "村民乙")
    page.select_option("select[name=parties-3-role]", "respondent")
    page.locator("main form button[type=submit]").last.click()
    # neither a position nor a township: both fields say so, nothing typed is lost
    expect(page.locator("#id_township_error")).to_be_visible()
    expect(page.locator("#id_latitude_error")).to_be_visible()
    expect(page.locator("input[name=parties-3-name]")).to_have_value("村民乙")
    page.select_option("select[name=township]", index=1)
    township = page.locator("select[name=township] option:checked").inner_text().strip()
    page.locator("main form button[type=submit]").last.click()

    expect(page.locator("h1")).to_contain_text("田埂界址纠纷（浏览器测试）")
    expect(page.locator("main")).to_contain_text("Position to be added")
    expect(page.locator("main")).to_contain_text(township)
    expect(page.locator("[data-parties]")).to_contain_text("村民乙")
    detail = page.url
    # the list marks it, and its filter finds it
    page.goto(site("/disputes/all/?needs_position=yes&q=田埂界址纠纷"))
    expect(page.locator("table.table tbody tr").first).to_contain_text("Position to be added")
    # a later edit adds the position
    page.goto(detail)
    position = page.locator("form[action$='/do/position/']")
    position.locator("input[name=latitude]").fill("32.281000")
    position.locator("input[name=longitude]").fill("111.612000")
    position.get_by_role("button", name="Save position").click()
    expect(page.locator("main .facts")).to_contain_text("32.281000")
    expect(page.locator("main .facts")).not_to_contain_text("Position to be added")


def test_officer_triages_a_tip(open_as, site):
    page = open_as("officer")
    page.goto(site("/disputes/tips/?status=received"))
    page.locator("table a[href*='/disputes/tips/']").first.click()
    verify = page.locator("form[action$='/do/verify/']")
    verify.locator("textarea[name=note]").fill("现场核实属实")
    verify.get_by_role("button", name="Verified").click()
    expect(page.locator("main")).to_contain_text("Verified")
    expect(page.locator("main")).to_contain_text("现场核实属实")


def test_officer_previews_and_prints_the_bulletin(open_as, site):
    page = open_as("officer")
    page.goto(site("/bulletins/"))
    page.locator("main a[href^='/bulletins/20']").first.click()
    expect(page.locator("main h1").first).to_contain_text("bulletin")
    # a manager's copy, previewed
    page.select_option("select[name=company]", index=1)
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"company=\d+"))
    expect(page.locator(".preview-note")).to_contain_text("You are previewing what the managers of")
    # the printable view opens in a new tab
    with page.context.expect_page() as printable:
        page.get_by_role("link", name="Printable view").click()
    printable.value.wait_for_load_state()
    expect(printable.value).to_have_url(re.compile(r"/print/\?company=\d+$"))
    expect(printable.value.locator("body")).to_contain_text("Patrol")


def test_officer_approves_a_roster_after_confirming(open_as, site):
    page = open_as("officer")
    page.goto(site(f"/guards/rosters/{site.data['submitted_roster_id']}/"))
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("h1 .badge, .badge").first).to_contain_text("Approved")
    assert questions and "Approve this roster" in questions[0]


def test_officer_exports_a_payout(open_as, site):
    page = open_as("officer")
    page.goto(site("/guards/payouts/"))
    page.locator("main a[href^='/guards/payouts/']:not([href$='.csv']):not([href$='.xlsx'])").filter(has_text=re.compile(r"\d{4}-\d{2}")).first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    assert download.value.suggested_filename.endswith(".csv")
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert content.count("\n") >= 2


def test_officer_applies_an_assessment(open_as, site):
    page = open_as("officer")
    page.goto(site("/guards/assessments/"))
    apply = page.get_by_role("link", name="Apply outcomes")
    if not apply.count():
        page.get_by_role("button", name="Run assessment").click()
        apply = page.get_by_role("link", name="Apply outcomes")
    apply.click()
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name="Apply outcomes").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.get_by_role("link", name="Apply outcomes")).to_have_count(0)


def test_guard_post_is_text_not_html_on_the_guard_page(open_as, site):
    page = open_as("officer")
    page.goto(site(f"/guards/{site.data['xss_guard_id']}/"))
    expect(page.locator(".facts").first).to_contain_text("<img src=x onerror=window.__xss=1>")
    page.wait_for_timeout(300)  # the map draws its markers after load
    page.locator(".leaflet-marker-icon, .leaflet-interactive").first.click()
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_officer_dashboard_shows_trends_queue_and_a_map_without_tiles(open_as, site):
    page = open_as("officer")
    # An intranet without a tile server: every tile request fails.
    page.route("http://tiles.test/**", lambda route: route.abort())
    open_as.watch.allow_failed_tiles = True
    page.goto(site("/dashboard/"))

    # The trends: five server-drawn charts, each point titled with its week and value.
    charts = page.locator("figure.trend svg.trend-chart")
    expect(charts).to_have_count(5)
    assert charts.first.locator("circle").count() >= 1
    first_title = charts.first.locator("circle title").first.text_content()
    assert re.match(r"^\d{4}-W\d{2}: \d", first_title), first_title
    expect(page.locator('[data-trend="patrols_done"] .trend-latest')).to_have_text(re.compile(r"^\d+$"))

    # The action queue: five counts, each linking to the list filtered to those rows.
    items = page.locator(".action-queue .queue-item")
    expect(items).to_have_count(5)
    rosters = page.locator('[data-queue="rosters"]')
    waiting = int(rosters.locator(".queue-count").inner_text())
    rosters.locator("a").click()
    expect(page).to_have_url(re.compile(r"/guards/rosters/\?status=submitted$"))
    expect(page.locator("select[name=status] option:checked")).to_have_text("Submitted")
    assert page.locator("table.table tbody tr").count() == min(waiting, 50)
    page.go_back()

    # The map: with no tiles, the township and zone outlines show their labels around the markers.
    expect(page.locator("#dashboard-map.map-no-tiles")).to_be_visible()
    expect(page.locator("#dashboard-map path.leaflet-interactive").first).to_be_attached()  # markers
    labels = page.locator("#dashboard-map .map-outline-label-text")
    expect(labels.first).to_be_visible()
    assert all(text.strip() for text in labels.all_inner_texts())
    expect(page.locator("#dashboard-map-status")).to_contain_text("points on the map")
