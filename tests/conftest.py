"""The fixed cast every test can use (healthchecks style): an officer, a manager of company A,
a guard of company A with a sign-in account, a manager of company B, and an outsider with no role."""
import datetime
import os

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.models import Role
from tests import factories as f


# --- The clock is an input. `--clock=2027-01-04T00:30+08:00` (or TEST_CLOCK in the environment) runs
# the whole suite as if that moment were now, the clock ticking on from there; .ci/run passes a few
# awkward dates (a Monday just after midnight in Shanghai, which is still Sunday in UTC; New Year's
# Eve; a quarter's last day; a leap day) so a test that depends on the day it runs fails in CI, not a
# month later. A test whose expectation names dates freezes its own "now" with time_machine.travel.
def pytest_addoption(parser):
    parser.addoption("--clock", default=os.environ.get("TEST_CLOCK", ""), help="run the suite as if this ISO datetime were now")


def pytest_report_header(config):
    clock = config.getoption("--clock")
    return f"clock: {clock}" if clock else None


@pytest.fixture(scope="session", autouse=True)
def _suite_clock(request):
    clock = request.config.getoption("--clock")
    if not clock:
        yield None
        return
    moment = datetime.datetime.fromisoformat(clock)
    if moment.tzinfo is None:
        raise pytest.UsageError("--clock needs a UTC offset, e.g. 2027-01-04T00:30+08:00")
    with time_machine.travel(moment, tick=True):
        yield moment


@pytest.fixture(autouse=True)
def _hermetic_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    # Assertions read English messages; zh-hans stays the product default (tested separately).
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    translation.activate("en")
    from django.core.cache import cache

    cache.clear()
    # Each test's database is new: no process-local copy of another test's points and zones (the
    # shared version is compared only every ROUTING_VERSION_CHECK_SECONDS).
    from liaison_points import routing

    routing._table = None
    # The office policy is read on every deployability check and cached (guards.policy); start each
    # test as production runs, with the cache warm (a fresh database has no policy row: the defaults).
    from guards.policy import CACHE_KEY, policy_defaults

    cache.set(CACHE_KEY, policy_defaults(), None)


@pytest.fixture
def township(db):
    return f.TownshipFactory(name="城关镇")


@pytest.fixture
def point(db, township):
    return f.LiaisonPointFactory(township=township, latitude="32.270000", longitude="111.600000")


@pytest.fixture
def company(db):
    return f.SecurityCompanyFactory(name="Company A")


@pytest.fixture
def other_company(db):
    return f.SecurityCompanyFactory(name="Company B")


@pytest.fixture
def officer(db):
    return f.OfficerFactory(user__username="officer").user


@pytest.fixture
def manager(db, company):
    return f.CompanyManagerFactory(company=company, user__username="manager_a").user


@pytest.fixture
def other_manager(db, other_company):
    return f.CompanyManagerFactory(company=other_company, user__username="manager_b").user


@pytest.fixture
def guard(db, company, point):
    user = f.UserFactory(username="guard_a", role=Role.GUARD)
    return f.GuardFactory(company=company, liaison_point=point, user=user)


@pytest.fixture
def other_guard(db, other_company, point):
    return f.GuardFactory(company=other_company, liaison_point=point)


@pytest.fixture
def outsider(db):
    return f.UserFactory(username="outsider", role=Role.GUARD)


@pytest.fixture
def api_for():
    """api_for(user) → an APIClient signed in as user (None: anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def client_for(client):
    from django.test import Client

    def make(user=None):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


# --- Real services (PostgreSQL, Redis, a Celery worker): tests marked `services` run only with
# REAL_SERVICES=1, as .ci/run's second pass does. The worker fixtures live in tests/celery_worker.py.
from tests.celery_worker import celery_worker, celery_worker_process  # noqa: E402,F401


def pytest_collection_modifyitems(config, items):
    import os

    if os.environ.get("REAL_SERVICES") == "1":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL, Redis and a Celery worker: run with REAL_SERVICES=1 (see .ci/run)")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _celery_in_process_unless_services(request):
    """Tasks run in-process (eager) in every test except those marked `services`, even when
    REDIS_URL is set (.ci/run's second pass): a unit test must not leave messages in a broker that
    nobody consumes. The `services` tests talk to Redis and a real worker instead."""
    if request.node.get_closest_marker("services"):
        yield
        return
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
