"""Browser tests: Playwright drives Debian's chromium through each role's day on a live site.

The site is a real server (gunicorn, DEBUG on so WhiteNoise serves the static files from the
source tree) in a subprocess, on a SQLite file seeded once per session with `seed_demo` plus
`scenario.py`. Not pytest-django's `live_server`: that one needs `transactional_db`, which empties
every table after each test (the demo county would have to be re-seeded per test), and an
in-memory SQLite database shared between the test thread and the server threads. Nothing here
touches the ORM in-process, so the other tests' database is untouched.

Every page of every test is watched: an uncaught exception (`pageerror`), a console error, a
response ≥ 500 or a request to any host but the site fails the test, and a failing test leaves a
screenshot of each of its pages in var/ci/. Tiles come from a fake tile host answered with a
blank PNG, so the maps draw without a network.

Playwright's sync API keeps an event loop running on the main thread while it is started, which
makes Django refuse ORM calls (SynchronousOnlyOperation) in any test that runs after it; so
Playwright lives in package-scoped fixtures here and stops when the browser tests are done,
instead of pytest-playwright's session-scoped ones (its --headed and --slowmo options still apply).

CHROMIUM (default /usr/bin/chromium) names the browser; without it these tests are skipped, except
in .ci/run, which installs chromium and fails when they did not run."""
import base64
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic",
]
TILE_HOST = "tiles.test"
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII="
)
PASSWORD = "patrol-demo-2024"  # accounts.demo.DEMO_PASSWORD (not imported: no Django in this process's setup)
REPORTS = ROOT / "var" / "ci"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run does)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_REPORTS_KEY, {})[report.when] = report
    return report


_REPORTS_KEY = pytest.StashKey[dict]()


# --- the site -------------------------------------------------------------------------------------


class Site:
    def __init__(self, url: str, data: dict, env: dict | None = None):
        self.url = url
        self.data = data
        self.env = env or {}

    def __call__(self, path: str) -> str:
        return self.url + path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _site_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {
        "DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "EMAIL_URL", "SECRET_KEY", "SECRET_KEY_FILE",
        "DEBUG", "ALLOWED_HOSTS", "TEST_CLOCK", "REAL_SERVICES", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT",
    }}
    env.update({
        "DATABASE_URL": f"sqlite:///{tmp / 'site.sqlite3'}",
        "VAR_DIR": str(tmp / "var"),
        "DEBUG": "true",
        "MAP_TILES_URL": f"http://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png",
        "API_THROTTLE_ANON": "10000/minute",
        "API_THROTTLE_LOGIN": "10000/minute",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def _manage(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="package")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser-site")
    env = _site_env(tmp)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "seed_demo")
    data = json.loads(_manage(env, "shell", stdin=(Path(__file__).parent / "scenario.py").read_text()).strip().splitlines()[-1])
    with _serve(env, tmp / "server.log") as url:
        yield Site(url, data, env)


@pytest.fixture(scope="package")
def site_without_tiles(site, tmp_path_factory):
    """A second server on the same database with MAP_TILES_URL empty (the demo's default): maps
    with no tile layer at all. The same sign-ins work (cookies of 127.0.0.1 ignore the port)."""
    tmp = tmp_path_factory.mktemp("browser-site-no-tiles")
    env = {**site.env, "MAP_TILES_URL": ""}
    with _serve(env, tmp / "server.log") as url:
        yield Site(url, site.data, env)


@contextlib.contextmanager
def _serve(env: dict, log_path: Path):
    """gunicorn on a free port with `env`, until the block ends; yields its URL."""
    port = _free_port()
    log = open(log_path, "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "8", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the site did not start:\n" + log_path.read_text())
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


# --- the browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def chromium(pytestconfig):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=LAUNCH_ARGS,
            headless=not pytestconfig.getoption("headed", False),
            slow_mo=pytestconfig.getoption("slowmo", 0) or 0,
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


class Watch:
    """What went wrong in the pages of one test, collected by listeners."""

    def __init__(self, site: Site):
        self.site = site
        self.problems: list[str] = []
        self.pages = []
        # A test that blocks the tile host (a map without tiles) expects the tiles' failed loads.
        self.allow_failed_tiles = False

    def attach(self, context):
        context.route(f"http://{TILE_HOST}/**", lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_PNG))
        context.on("page", self._page)
        context.on("request", self._request)

    def _request(self, request):
        if not (request.url.startswith(self.site.url) or request.url.startswith(f"http://{TILE_HOST}/")
                or request.url.startswith(("data:", "blob:", "about:"))):
            self.problems.append(f"request outside the site: {request.url}")

    def _failed_tile(self, message) -> bool:
        return self.allow_failed_tiles and (message.location or {}).get("url", "").startswith(f"http://{TILE_HOST}/")

    def _page(self, page):
        self.pages.append(page)
        page.on("pageerror", lambda error: self.problems.append(f"page error on {page.url}: {error}"))
        page.on("console", lambda message: message.type == "error" and not self._failed_tile(message) and self.problems.append(
            f"console error on {page.url}: {message.text}"))
        page.on("response", lambda response: response.status >= 500 and self.problems.append(
            f"HTTP {response.status} from {response.request.method} {response.url}"))


def _screenshots(watch: Watch, name: str) -> None:
    REPORTS.mkdir(parents=True, exist_ok=True)
    for n, page in enumerate(watch.pages):
        if page.is_closed():
            continue
        try:
            page.screenshot(path=str(REPORTS / f"browser-{name}-{n}.png"), full_page=True)
        except Exception:  # a page that cannot be drawn any more must not hide the test's own failure
            pass


@pytest.fixture(scope="package")
def signed_in(site, chromium):
    """Signs each role in once; later contexts reuse its cookies."""
    states: dict[str, dict] = {}

    def state(username: str) -> dict:
        if username not in states:
            context = chromium.new_context(locale="en-US")
            page = context.new_page()
            page.goto(site("/accounts/login/"))
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.locator("form button[type=submit], form input[type=submit]").last.click()
            page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
            states[username] = context.storage_state()
            context.close()
        return states[username]

    return state


@pytest.fixture
def open_as(request, site, chromium, signed_in):
    """open_as("officer") → a page signed in as that user; phone=True gives a 360×740 touch screen,
    position=(lat, lng) a phone that knows where it is.
    At the end of the test, any page error, console error, response ≥ 500 or request leaving the
    site fails it; a failed test leaves screenshots in var/ci/."""
    watch = Watch(site)
    contexts = []

    def make(username: str | None, *, phone: bool = False, position: tuple[float, float] | None = None):
        options = {"locale": "en-US", "accept_downloads": True, **(PHONE if phone else {})}
        if position:  # the phone's location services answer with this position
            options.update(permissions=["geolocation"], geolocation={"latitude": position[0], "longitude": position[1]})
        if username:
            options["storage_state"] = signed_in(username)
        context = chromium.new_context(**options)
        context.set_default_timeout(10_000)
        watch.attach(context)
        contexts.append(context)
        return context.new_page()

    make.watch = watch
    yield make
    reports = request.node.stash.get(_REPORTS_KEY, {})
    failed = any(r.failed for r in reports.values())
    if failed or watch.problems:
        _screenshots(watch, re.sub(r"[^\w.-]+", "_", request.node.name))
    for context in contexts:
        context.close()
    assert not watch.problems, "the browser saw problems:\n" + "\n".join(watch.problems)


def assert_fits_phone(page) -> None:
    """No horizontal scrolling on a 360 px wide phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide on a 360px phone"
