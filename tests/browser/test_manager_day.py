"""A security company manager's day in chromium: the roster searched, two guards moved at once and submitted, the company's copy
of the bulletin, the payout exported."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_manager_bulk_moves_two_guards_without_a_reload_and_submits_the_roster(open_as, site):
    page = open_as("manager")
    page.goto(site("/"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training rosters").click()
    page.locator(f"main a[href='/guards/rosters/{site.data['manager_roster_id']}/']").first.click()
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    # the session with the most free seats is the target
    options = page.locator("#move-to option")
    free = [int(re.search(r"(\d+) free", options.nth(i).inner_text()).group(1)) for i in range(options.count())]
    target = options.nth(free.index(max(free))).get_attribute("value")
    page.select_option("#move-to", target)
    others = page.locator(f".session-group:not([data-session='{target}']) .roster-rows tbody tr")
    first, second = (others.nth(i).locator("td a").first.inner_text() for i in range(2))

    # search narrows the rows in place; "select all shown" ticks only what is shown
    page.fill("#roster-q", first)
    visible = page.locator(".roster-rows tbody tr:visible")
    expect(visible.first).to_contain_text(first)
    shown = visible.count()
    page.get_by_label("Select all shown").check()
    expect(page.locator("[data-picked]")).to_contain_text(f"{shown} selected")
    if shown > 1:  # namesakes: tick only the one chosen
        page.get_by_label("Select all shown").uncheck()
        others.filter(has_text=first).first.locator("input[name=entry]").check()
    page.fill("#roster-q", "")
    page.locator(f".session-group:not([data-session='{target}']) .roster-rows tbody tr", has_text=second).first.locator("input[name=entry]").check()
    page.get_by_role("button", name="Move selected").click()

    group = page.locator(f".session-group[data-session='{target}']")
    expect(page.locator("[data-move-status]")).to_contain_text("2 guards moved")
    expect(group).to_contain_text(first)
    expect(group).to_contain_text(second)
    assert page.evaluate("window.__sameDocument === true")  # moved in place, no reload

    page.reload()  # and stored
    expect(page.locator(f".session-group[data-session='{target}']")).to_contain_text(first)
    expect(page.locator(f".session-group[data-session='{target}']")).to_contain_text(second)

    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("main h1")).to_contain_text("Submitted")
    expect(page.get_by_role("button", name="Submit for approval")).to_have_count(0)


def test_manager_reads_the_company_copy_of_the_bulletin(open_as, site):
    page = open_as("manager")
    page.goto(site("/"))
    company = page.locator("main h1").first.inner_text().strip()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bulletin").click()
    page.locator("main a[href^='/bulletins/20']").first.click()
    expect(page.locator("main h1").first).to_contain_text("Weekly bulletin")
    expect(page.locator("main")).to_contain_text(company.split()[0])


def test_manager_exports_payouts(open_as, site):
    page = open_as("manager")
    page.goto(site("/guards/payouts/"))
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    assert re.search(r"\.csv$", download.value.suggested_filename)
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert content.count("\n") >= 2
