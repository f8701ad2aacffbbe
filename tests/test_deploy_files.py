"""Docker does not run on the CI machines, so the deployment files are checked as data: the compose
file parses and wires the services as README says, and .env.example covers every setting."""
import re
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def _settings_env_names() -> set[str]:
    source = "".join((BASE_DIR / "config" / name).read_text() for name in ("settings.py", "settings_office.py"))
    names = set(re.findall(r"env_(?:str|bool|int|list|secret)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", source))
    return names | {"DATABASE_URL"}  # read by dj_database_url.config()


def _env_example_names() -> set[str]:
    text = (BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_env_example_lists_every_variable_the_settings_read():
    missing = _settings_env_names() - _env_example_names()
    assert not missing, f".env.example lacks {sorted(missing)}"


def test_env_example_explains_every_variable():
    lines = (BASE_DIR / ".env.example").read_text().splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            # each variable follows a comment line or a sibling variable under the same comment
            j = i - 1
            while j >= 0 and re.match(r"^[A-Z][A-Z0-9_]*=", lines[j]):
                j -= 1
            assert j >= 0 and lines[j].startswith("#"), f"no comment above {line!r}"


def test_compose_runs_the_five_services(compose):
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "beat"}
    assert compose["services"]["db"]["image"].startswith("postgres:15")
    assert compose["services"]["redis"]["image"].startswith("redis:7")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_compose_app_services_wait_for_healthy_db_and_redis_and_read_env_file(compose, name):
    service = compose["services"][name]
    assert service["env_file"] == ".env"
    assert service["depends_on"]["db"] == {"condition": "service_healthy"}
    assert service["depends_on"]["redis"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", ("db", "redis", "web", "worker"))
def test_compose_services_have_healthchecks(compose, name):
    assert compose["services"][name]["healthcheck"]["test"]


def test_compose_web_migrates_then_serves_gunicorn_and_probes_healthz(compose):
    web = compose["services"]["web"]
    command = " ".join(web["command"])
    assert command.index("migrate --noinput") < command.index("gunicorn config.wsgi:application")
    probe = web["healthcheck"]["test"]
    assert probe[:3] == ["CMD", "python", "-c"] and "/healthz" in probe[3]
    compile(probe[3], "healthcheck", "exec")  # the one-liner is valid Python


def test_compose_beat_uses_the_database_scheduler(compose):
    command = compose["services"]["beat"]["command"]
    assert "beat" in command
    assert "django_celery_beat.schedulers:DatabaseScheduler" in command
    assert compose["services"]["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]


def test_dockerfile_builds_a_non_root_gunicorn_image():
    text = (BASE_DIR / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.MULTILINE)
    assert "pip install ." in text
    assert "collectstatic --noinput" in text
    assert re.search(r"^USER (?!root)\w+", text, re.MULTILINE)
    assert "config.wsgi:application" in text


def _postgres_settings(compose) -> dict[str, str]:
    command = compose["services"]["db"]["command"]
    assert command[0] == "postgres"
    pairs = command[1:]
    assert all(flag == "-c" for flag in pairs[0::2]), "settings are given as -c name=value"
    return dict(value.split("=", 1) for value in pairs[1::2])


def _bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(kB|MB|GB)", value).groups()
    return int(number) * {"kB": 1024, "MB": 1024**2, "GB": 1024**3}[unit]


def test_compose_postgres_is_tuned_for_production(compose):
    settings = _postgres_settings(compose)
    for name in ("shared_buffers", "effective_cache_size", "work_mem", "max_connections"):
        assert name in settings, f"the db service sets no {name}"
    assert "pg_stat_statements" in settings["shared_preload_libraries"].split(",")
    shared, cache, work = (_bytes(settings[n]) for n in ("shared_buffers", "effective_cache_size", "work_mem"))
    assert shared >= 256 * 1024**2 and cache > shared, "shared_buffers a fraction of memory, the cache estimate above it"
    assert work * int(settings["max_connections"]) <= 2 * cache, "work_mem times the connections stays within memory"
    assert _bytes(compose["services"]["db"]["shm_size"].replace("g", "GB").replace("m", "MB")) >= 64 * 1024**2


def test_settings_keep_connections_and_check_them():
    source = (BASE_DIR / "config" / "settings.py").read_text()
    assert 'conn_max_age=env_int("DB_CONN_MAX_AGE"' in source
    assert 'conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS"' in source


def test_compose_postgres_connections_cover_the_app_services(compose):
    settings = _postgres_settings(compose)
    web = compose["services"]["web"]["command"][-1]
    workers = int(re.search(r"GUNICORN_WORKERS:-(\d+)", web).group(1))
    threads = int(re.search(r"GUNICORN_THREADS:-(\d+)", web).group(1))  # gthread: a connection per thread
    worker_command = compose["services"]["worker"]["command"]
    concurrency = int(worker_command[worker_command.index("--concurrency") + 1])
    assert int(settings["max_connections"]) >= 4 * (workers * threads + concurrency + 1), "room to scale web and worker containers"
