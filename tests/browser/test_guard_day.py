"""A guard's day on a 360×740 touch phone in chromium: every page of the menu, check-in, a
checkpoint scanned, a tip with a photo and a dispute reported, then my reports, points and training.
No page may scroll sideways. (This module runs before the officer's, who finishes the same patrol.)"""
import re
import struct
import zlib

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_phone

pytestmark = pytest.mark.browser

MENU = ["My page", "My patrols", "Report a tip", "Report a dispute", "My reports", "My points and training"]


def _png(width: int = 8, height: int = 8) -> bytes:
    """A small red PNG, made here (no fixture file)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_guard_reaches_every_page_from_the_menu_on_a_phone(open_as, site):
    page = open_as("guard", phone=True)
    page.goto(site("/"))
    menu = page.get_by_role("navigation", name="Main")
    headings = set()
    for label in MENU:
        link = menu.get_by_role("link", name=label, exact=True)
        expect(link).to_be_visible()  # not clipped off the side of the bar
        link.tap()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url
        headings.add(page.locator("main h1").first.inner_text())
        assert_fits_phone(page)
    assert len(headings) >= 5  # each menu entry is a page of its own (points and training sit on "My page")
    expect(page.locator("#duty")).to_be_in_viewport()


def test_guard_checks_in_and_scans_a_checkpoint(open_as, site):
    page = open_as("guard", phone=True, position=site.data["checkpoint_position"])
    page.goto(site("/patrols/my/"))
    card = page.locator("section.patrol-today").filter(has=page.locator(f"form[action='/patrols/my/{site.data['patrol_id']}/check-in/']"))
    card.get_by_role("button", name="Check in").tap()
    expect(page.locator(".checked-in").first).to_contain_text(re.compile(r"Checked in at \d\d:\d\d: (Present|Late)"))
    assert_fits_phone(page)

    page.goto(site(site.data["scan_path"]))
    expect(page.locator("main h1")).to_have_text(site.data["checkpoint_name"])
    page.get_by_role("button", name="Record visit").tap()
    expect(page.locator(".messages")).to_contain_text(f"{site.data['checkpoint_name']} recorded at")
    expect(page.locator(".messages")).not_to_contain_text("Not counted")
    assert_fits_phone(page)


def test_guard_reports_a_tip_with_a_photo_and_a_dispute_then_sees_them(open_as, site):
    page = open_as("guard", phone=True)
    page.goto(site("/disputes/tips/report/"))
    page.select_option("select[name=kind]", index=1)
    page.fill("textarea[name=text]", "商业街东口路灯损坏，夜间漆黑（浏览器测试）")
    page.fill("input[name=place]", "商业街东口")
    page.fill("input[name=latitude]", "32.265000")
    page.fill("input[name=longitude]", "111.641000")
    page.set_input_files("input[name=attachments]", files=[{"name": "lamp.png", "mimeType": "image/png", "buffer": _png()}])
    page.get_by_role("button", name="Send").tap()
    page.wait_for_url(lambda url: "/report/" not in url)
    assert_fits_phone(page)

    page.goto(site("/disputes/report/"))
    page.select_option("select[name=category]", "neighbours")
    page.fill("input[name=title]", "摊位占道争执（浏览器测试）")
    page.fill("input[name=place]", "商业街东口")
    page.fill("input[name=latitude]", "32.265000")
    page.fill("input[name=longitude]", "111.641000")
    page.fill("textarea[name=description]", "两家摊主因占道发生口角。")
    page.fill("input[name=parties-0-name]", "摊主张某（男，约50岁）与顾客李某（女）")  # a description, not a phone
    page.get_by_role("button", name="Send").tap()
    page.wait_for_url(lambda url: "/report/" not in url)
    assert_fits_phone(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My reports").tap()
    main = page.locator("main")
    expect(main).to_contain_text("商业街东口")
    expect(main).to_contain_text("摊位占道争执（浏览器测试）")
    assert_fits_phone(page)
    # the tip keeps its photo
    page.locator("main li a[href*='/disputes/tips/']").filter(has_text="#").first.tap()
    expect(page.locator("main")).to_contain_text("路灯损坏")
    expect(page.locator("main").get_by_text("lamp.png").or_(page.locator("main img[src*='attachments']")).first).to_be_visible()
    assert_fits_phone(page)
