"""Every page a role reaches carries the strict Content-Security-Policy, and its HTML holds nothing the
policy would block (no inline script, no on*= handler, no style attribute or <style> block), so what the
policy forbids is never something a page needs. User text shown on those pages, and in the data the maps
read, never becomes markup: every label below is an HTML payload.

The pages are found by following links from each role's start page, as a person would, so a new page
reached from the menu is checked without being listed here."""
import datetime
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import Resolver404, resolve

from accounts.models import Role
from patrol.models import Patrol, PatrolCheckpoint
from tests import factories as f
from tests.factories import local_dt

XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
NOW = local_dt(2026, 11, 18, 10, 0)
MAX_PAGES = 250
# Not pages of ours: the Django admin and the API (relaxed for styles, tested on their own below),
# language switch and sign-out (POST only), static and media files.
SKIP_PREFIXES = ("/admin/", "/api/", "/i18n/", "/accounts/logout", "/static/", "/media/")


class PageAudit(HTMLParser):
    """Collects what a strict CSP would block in one HTML page, and the page's links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocked: list[str] = []
        self.links: list[str] = []
        self._in_data_script = False
        self.data_scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=…>")
            elif name == "style":
                self.blocked.append(f"<{tag} style={value!r}>")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.blocked.append(f"<{tag} {name}=javascript:…>")
        if tag == "script":
            if values.get("type") == "application/json":
                self._in_data_script = True
                self.data_scripts.append("")
            elif not values.get("src"):
                self.blocked.append("inline <script>")
        elif tag == "style":
            self.blocked.append("<style> block")
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_data_script = False

    def handle_data(self, data):
        if self._in_data_script:
            self.data_scripts[-1] += data


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict_csp(response, where: str) -> None:
    csp = csp_directives(response)
    assert csp, f"{where}: no Content-Security-Policy header"
    assert csp["default-src"] == ["'self'"], where
    for directive in ("script-src", "style-src"):
        assert csp[directive] == ["'self'"], f"{where}: {directive} {csp[directive]}"
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"], where
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"] and csp["connect-src"] == ["'self'"], where


def crawl(client, start: str) -> dict[str, str]:
    """GET every page reachable by links from `start` (one query string per path), auditing each
    HTML page; returns {path: url_name}. Fails on a 500, a missing CSP or markup the CSP would block."""
    seen: dict[str, str] = {}
    queue = [start]
    failures = []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc or parts.scheme or parts.path in seen or parts.path.startswith(SKIP_PREFIXES):
            continue
        response = client.get(url, follow=True)
        path = response.request["PATH_INFO"]
        try:
            seen[parts.path] = seen[path] = resolve(path).view_name
        except Resolver404:
            seen[parts.path] = seen[path] = "?"
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        assert_strict_csp(response, url)
        html = response.content.decode()
        audit = PageAudit()
        audit.feed(html)
        if audit.blocked:
            failures.append(f"{url}: {sorted(set(audit.blocked))}")
        if "<img src=x" in html:
            failures.append(f"{url}: an unescaped label")
        for block in audit.data_scripts:
            json.loads(block)  # data, and valid data
        for href in audit.links:
            target = urlsplit(href)
            if not target.netloc and target.path.startswith("/") and target.path not in seen:
                queue.append(href.split("#")[0])
    assert not failures, "\n".join(failures)
    return seen


@pytest.fixture
def county(db, company, point, guard, other_guard, officer):
    """Records of every kind with a label that is an HTML payload, so each page shows one."""
    point.name = f"Point {XSS}"
    point.address = XSS
    point.save()
    guard.post = f"Post {XSS}"
    guard.name = f"Guard {XSS}"
    guard.save()
    company.name = f"A&B {XSS}"
    company.save()
    checkpoint = f.CheckpointFactory(liaison_point=point, name=f"Gate {XSS}")
    patrol = f.PatrolFactory(liaison_point=point, planned_start=local_dt(2026, 11, 18, 19), notes=XSS)
    PatrolCheckpoint.objects.create(patrol=patrol, checkpoint=checkpoint)
    f.PatrolMemberFactory(patrol=patrol, guard=guard)
    f.PatrolFactory(liaison_point=point, planned_start=local_dt(2026, 11, 16, 19), status=Patrol.Status.DONE)
    f.VenueInspectionFactory(venue=f"Venue {XSS}", township=point.township, inspected_on=datetime.date(2026, 11, 17))
    f.DisputeFactory(liaison_point=point, title=f"Dispute {XSS}", place=XSS,
                     parties=[{"name": XSS, "phone": "", "role": "party"}], reported_at=NOW)
    f.TipFactory(liaison_point=point, text=f"Tip {XSS}", place=XSS, source_kind="guard", source_guard=guard, volunteer_name="")
    from bulletins.services import bulletin_compile
    from training.services import rosters_compile

    bulletin_compile(monday=datetime.date(2026, 11, 9))
    rosters_compile(quarter="2027Q1", today=datetime.date(2026, 12, 1))
    return {"patrol": patrol, "checkpoint": checkpoint}


EXPECTED = {
    "officer": {
        "liaison_points:dashboard", "liaison_points:point-list", "liaison_points:point-detail", "liaison_points:point-create",
        "guards:guard-list", "guards:guard-detail", "guards:guard-create", "guards:company-list", "guards:company-detail",
        "patrol:week", "patrol:detail", "patrol:create", "patrol:checkpoint-list", "patrol:inspection-list",
        "disputes:queue", "disputes:dispute-list", "disputes:dispute-detail", "disputes:dispute-create",
        "disputes:tip-list", "disputes:tip-detail", "bulletins:archive", "bulletins:detail", "training:training",
        "rewards:points", "assessments:assessment-list",
    },
    "manager": {"guards:company-detail", "guards:guard-list", "guards:guard-detail", "training:roster-list", "bulletins:archive"},
    "guard": {"guards:guard-detail", "patrol:my"},
}


@pytest.mark.parametrize("role", ["officer", "manager", "guard"])
def test_every_page_of_a_role_is_strict_csp_clean_and_escapes_labels(request, client_for, county, role):
    # given: a county whose every label is an HTML payload
    user = request.getfixturevalue(role)
    user = user.user if role == "guard" else user
    # when: the role follows every link from its start page
    with time_machine.travel(NOW, tick=False):
        seen = crawl(client_for(user), "/")
    # then: (asserted page by page in crawl) and the role's main pages were among them
    missing = EXPECTED[role] - set(seen.values())
    assert not missing, f"{role} never reached {sorted(missing)}"


def test_login_and_error_pages_carry_the_policy(client, db):
    for url, status in [("/accounts/login/", 200), ("/no-such-page/", 404)]:
        response = client.get(url)
        assert response.status_code == status
        assert_strict_csp(response, url)
        audit = PageAudit()
        audit.feed(response.content.decode())
        assert not audit.blocked, (url, audit.blocked)


def test_images_come_only_from_the_site_without_a_tile_server(client, db):
    # MAP_TILES_URL is empty by default (the demo): maps draw outlines only, no other image source.
    csp = csp_directives(client.get("/accounts/login/"))
    assert csp["img-src"] == ["'self'", "data:"]


@pytest.mark.parametrize(
    "url, img_src, layers",
    [
        ("", ["'self'", "data:"], []),
        ("https://tiles.intranet.example/{z}/{x}/{y}.png", ["'self'", "data:", "https://tiles.intranet.example"],
         ["https://tiles.intranet.example/{z}/{x}/{y}.png"]),
    ],
)
def test_map_tiles_url_sets_the_tile_layer_and_its_origin(url, img_src, layers):
    # Settings are read once per process: a fresh interpreter with MAP_TILES_URL set (or empty).
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], "
        "[t[1] for t in settings.LEAFLET_CONFIG['TILES']]]))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "MAP_TILES_URL": url}
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [img_src, layers]


@pytest.mark.parametrize(
    "url, origin",
    [
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png", "http://10.1.2.3:8080"),
        ("/tiles/{z}/{x}/{y}.png", None),
    ],
)
def test_tile_origin_of_map_tiles_url(url, origin):
    from config.csp import tile_origin

    assert tile_origin(url) == origin


def test_api_pages_may_use_inline_styles_but_never_inline_scripts(client_for, officer):
    # DRF's browsable API and Swagger UI (third-party markup) are the one relaxation: styles only.
    client = client_for(officer)
    for url in ["/api/docs/", "/api/v1/guards/"]:
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        csp = csp_directives(response)
        assert csp["script-src"] == ["'self'"], url
        assert csp["style-src"] == ["'self'", "'unsafe-inline'"], url
    # Swagger UI starts from a script file (drf-spectacular's split view), not an inline script
    audit = PageAudit()
    audit.feed(client.get("/api/docs/").content.decode())
    assert "inline <script>" not in audit.blocked
    script = client.get("/api/docs/?script")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]


def test_admin_pages_get_the_strict_policy(client, db):
    admin = f.UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    for url in ["/admin/", "/admin/guards/guard/", "/admin/guards/guard/add/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response, url)


def test_map_labels_reach_the_page_as_escaped_json_and_the_api_as_json(client_for, officer, county, point, guard):
    client = client_for(officer)
    # the detail pages' marker blocks: JSON whose "<" is escaped, so the payload never forms a tag
    for url in [f"/points/{point.pk}/", f"/guards/{guard.pk}/", f"/patrols/{county['patrol'].pk}/"]:
        html = client.get(url).content.decode()
        assert "<img src=x" not in html, url
        assert ESCAPED in html or "\\u003Cimg src=x onerror=alert(1)\\u003E" in html, url
    # the GeoJSON the dashboard map reads is JSON (data, not markup), and the label round-trips as text
    response = client.get("/api/v1/liaison-points/geojson/")
    assert response["Content-Type"].startswith("application/json")
    names = [feature["properties"]["name"] for feature in response.json()["features"]]
    assert f"Point {XSS}" in names


def test_map_scripts_never_put_data_into_html():
    """The maps' scripts build tooltips and popups from text nodes: Leaflet treats a string as HTML."""
    from pathlib import Path

    from django.conf import settings

    for script in sorted(Path(settings.BASE_DIR, "static", "js").glob("*.js")):
        source = script.read_text()
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", source), script.name
        for call in re.findall(r"\.(?:bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(([^,)]*)", source):
            assert call.startswith(("textBox(", "pointPopup(")), f"{script.name}: {call}"
