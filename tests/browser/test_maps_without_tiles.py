"""Maps with no tile server (settings.MAP_TILES_URL empty, the demo's default): no tile layer at
all, so no request leaves the site and no console error, while the township and zone outlines and
the markers still draw."""
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Watch

pytestmark = pytest.mark.browser


def test_maps_without_a_tile_server_draw_outlines_and_request_no_tiles(chromium, signed_in, site_without_tiles):
    # given: an officer on the site that has no MAP_TILES_URL
    site = site_without_tiles
    watch = Watch(site)
    context = chromium.new_context(locale="en-US", storage_state=signed_in("officer"))
    context.set_default_timeout(10_000)
    watch.attach(context)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    try:
        # when: the dashboard map and a point's map are drawn
        page.goto(site("/dashboard/"))
        dashboard_map = page.locator("#dashboard-map")
        expect(dashboard_map).to_have_class(re.compile(r"\bmap-has-outlines\b"))
        # then: outlines with their labels and the markers, on a blank background with no tile layer
        expect(dashboard_map).to_have_class(re.compile(r"\bmap-no-tiles\b"))
        expect(dashboard_map.locator("path.leaflet-interactive").first).to_be_attached()  # markers
        expect(dashboard_map.locator(".map-outline-label-text").first).to_be_visible()
        expect(dashboard_map.locator(".leaflet-tile-pane img")).to_have_count(0)

        page.goto(site("/points/"))
        page.locator("tbody td a").first.click()
        point_map = page.locator("#point-map")
        expect(point_map).to_have_class(re.compile(r"\bmap-has-outlines\b"))
        expect(point_map).to_have_class(re.compile(r"\bmap-no-tiles\b"))
        expect(point_map.locator(".leaflet-tile-pane img")).to_have_count(0)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()

    # and nothing was asked of any other host: no tile host, no OpenStreetMap
    site_origin = urlsplit(site.url).netloc
    outside = [url for url in requested if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != site_origin]
    assert not outside, outside
    assert not [url for url in requested if url.endswith(".png") and "/static/" not in url]
    assert not watch.problems, "the browser saw problems:\n" + "\n".join(watch.problems)
