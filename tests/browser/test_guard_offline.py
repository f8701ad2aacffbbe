"""A guard's phone loses its connection (issue 11): the service worker and the manifest are in
place without a console error, the report form still opens offline, a tip with a photo sent
offline waits on the phone ("Waiting to send (1)"), and when the connection returns it is sent by
itself, stored exactly once, with the time the guard pressed "Send", not the time it arrived."""
import datetime
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_phone
from tests.browser.test_guard_day import _png

pytestmark = pytest.mark.browser

PLACE = "商业街西口（离线测试）"


def _stored(page, site) -> list[dict]:
    response = page.request.get(site(f"/api/v1/tips/?search={PLACE}"))
    assert response.ok, response.text()
    return response.json()["results"]


def test_manifest_and_service_worker_register_cleanly(open_as, site):
    page = open_as("guard", phone=True)
    page.goto(site("/patrols/my/"))
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == site("/")
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["start_url"] == "/patrols/my/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert page.request.get(site(icon["src"])).ok
    expect(page.locator("#outbox")).to_be_hidden()  # nothing waiting


def test_a_tip_sent_offline_waits_then_is_stored_once_with_its_time(open_as, site):
    page = open_as("guard", phone=True)
    page.goto(site("/disputes/tips/report/"))
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.goto(site("/disputes/tips/report/"))  # opened again with no connection: the kept page
    expect(page.locator("main h1")).to_have_text("Report a tip")
    expect(page.locator("#outbox [data-outbox-status]")).to_contain_text("offline")

    page.select_option("select[name=kind]", index=1)
    page.fill("textarea[name=text]", "西口井盖缺失（离线测试）")
    page.fill("input[name=place]", PLACE)
    page.set_input_files("input[name=attachments]", files=[{"name": "cover.png", "mimeType": "image/png", "buffer": _png()}])
    pressed_from = datetime.datetime.now(datetime.UTC)
    page.get_by_role("button", name="Send", exact=True).tap()
    outbox = page.locator("#outbox")
    expect(outbox).to_be_visible()
    expect(outbox.locator("h2")).to_have_text("Waiting to send (1)")
    expect(outbox.locator("li")).to_contain_text(PLACE)
    pressed_until = datetime.datetime.now(datetime.UTC)
    assert page.input_value("input[name=place]") == ""  # kept on the phone, the form is free again
    assert_fits_phone(page)

    time.sleep(3)  # still offline: what arrives later must keep the moment it was made
    back_online = datetime.datetime.now(datetime.UTC)
    page.context.set_offline(False)
    expect(outbox.locator("h2")).to_have_text("Waiting to send (0)", timeout=15_000)
    expect(outbox.locator("[data-outbox-status]")).to_contain_text("Sent (1)")

    stored = _stored(page, site)
    assert len(stored) == 1 and stored[0]["attachment_count"] == 1
    received = datetime.datetime.fromisoformat(stored[0]["received_at"])
    assert pressed_from - datetime.timedelta(seconds=1) <= received <= pressed_until + datetime.timedelta(seconds=1)
    assert received < back_online - datetime.timedelta(seconds=2)

    # sending again (another page load flushes the outbox) stores nothing more
    page.goto(site("/disputes/"))
    expect(page.locator("main")).to_contain_text(PLACE)
    expect(page.locator(f"main img[src*='/thumbnail/']").first).to_be_visible()
    assert len(_stored(page, site)) == 1
