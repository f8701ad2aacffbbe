"""A security company manager's day in chromium: the roster moved and submitted, the company's copy
of the bulletin, the payout exported."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_manager_moves_a_guard_and_submits_the_roster(open_as, site):
    page = open_as("manager")
    page.goto(site("/"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training rosters").click()
    page.locator(f"main a[href='/guards/rosters/{site.data['manager_roster_id']}/']").first.click()

    group = page.locator(".session-group").filter(has=page.locator("form.move-form")).first
    session_before = group.locator(".session-title").inner_text()
    row = group.locator("tbody tr").first
    name = row.locator("td a").first.inner_text()
    row.get_by_role("button", name="Move").click()

    moved_to = page.locator(".session-group").filter(has=page.get_by_role("link", name=name, exact=True))
    expect(moved_to).to_have_count(1)
    assert moved_to.locator(".session-title").inner_text() != session_before

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
