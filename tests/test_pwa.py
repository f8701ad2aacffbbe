"""The guard's phone pages as an installable web app (config/pwa.py): the manifest and its icons,
the service worker served from the site root, and the strict CSP allowing exactly these."""
import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def test_manifest_names_the_app_in_chinese_and_starts_at_the_guards_patrols(client):
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "警保联勤办公室" and manifest["lang"] == "zh-hans"
    assert manifest["start_url"] == "/patrols/my/" and manifest["display"] == "standalone" and manifest["scope"] == "/"
    assert manifest["theme_color"].startswith("#")
    icons = {(i["sizes"], i["purpose"]): i["src"] for i in manifest["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}


@pytest.mark.parametrize(("path", "size"), [("icons/icon-192.png", 192), ("icons/icon-512.png", 512), ("icons/icon-maskable-512.png", 512)])
def test_icons_are_pngs_of_their_size(path, size):
    with Image.open(Path(finders.find(path))) as image:
        assert image.format == "PNG" and image.size == (size, size)


def test_service_worker_is_served_from_the_root_with_its_scope_allowed(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert "__VERSION__" not in script and 'var VERSION = "' in script
    assert "/static/js/outbox.js" in script and "/static/css/app.css" in script and "/patrols/my/" in script
    assert "{%" not in script and "{{" not in script


def test_csp_allows_the_worker_and_the_manifest_from_the_site_only(client_for, guard):
    response = client_for(guard.user).get("/patrols/my/")
    policy = response["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy and "script-src 'self';" in policy + ";"
    page = response.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page and 'id="outbox"' in page


def test_only_guards_get_the_outbox(client_for, officer):
    page = client_for(officer).get("/patrols/").content.decode()
    assert 'rel="manifest"' in page and 'id="outbox"' not in page and "outbox.js" not in page



def test_the_service_workers_prefetch_leaves_the_messages_for_the_next_page(client_for, guard):
    client = client_for(guard.user)
    client.post("/patrols/my/999999/check-in/")  # refused: a message waits for the next page
    message = "not on this patrol"
    assert message not in client.get("/patrols/my/", HTTP_X_OFFLINE_PREFETCH="1").content.decode()
    assert message in client.get("/patrols/my/").content.decode()
