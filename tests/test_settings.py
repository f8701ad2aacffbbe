"""Settings come from the environment: malformed values stop startup with a clear message, and the
production combination (DEBUG off, a real SECRET_KEY) passes `check --deploy`."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import email_settings, env_bool, env_int, env_list, env_secret

BASE_DIR = Path(__file__).resolve().parent.parent


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="jpo.example.org",
    )
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )


# env helpers

@pytest.mark.parametrize("raw, expected", [("1", True), ("TRUE", True), (" yes ", True), ("on", True),
                                           ("0", False), ("false", False), ("no", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("JPO_FLAG", raw)
    assert env_bool("JPO_FLAG", not expected) is expected


def test_env_bool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("JPO_FLAG", raising=False)
    assert env_bool("JPO_FLAG", True) is True


def test_env_bool_rejects_maybe(monkeypatch):
    monkeypatch.setenv("JPO_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="JPO_FLAG must be true or false, not 'maybe'"):
        env_bool("JPO_FLAG", False)


def test_env_int_reads_a_number_and_defaults_when_blank(monkeypatch):
    monkeypatch.setenv("JPO_NUMBER", "42")
    assert env_int("JPO_NUMBER", 1) == 42
    monkeypatch.setenv("JPO_NUMBER", " ")
    assert env_int("JPO_NUMBER", 1) == 1


def test_env_int_rejects_x(monkeypatch):
    monkeypatch.setenv("JPO_NUMBER", "x")
    with pytest.raises(ImproperlyConfigured, match="JPO_NUMBER must be a whole number, not 'x'"):
        env_int("JPO_NUMBER", 1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("JPO_HOSTS", " a.example.org, ,b.example.org ")
    assert env_list("JPO_HOSTS", []) == ["a.example.org", "b.example.org"]


def test_env_secret_reads_the_file_named_by_name_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    monkeypatch.setenv("JPO_SECRET_FILE", str(secret_file))
    assert env_secret("JPO_SECRET") == "from-a-file"


def test_env_secret_rejects_an_unreadable_file(monkeypatch, tmp_path):
    monkeypatch.setenv("JPO_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="JPO_SECRET_FILE points to an unreadable file"):
        env_secret("JPO_SECRET")


# EMAIL_URL

def test_email_url_unset_writes_files_to_the_outbox():
    assert email_settings(None, "/tmp/outbox") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": "/tmp/outbox"}


def test_email_url_smtp_tls_with_user_password_and_port():
    cfg = email_settings("smtp+tls://jpo%40county.gov:p%40ss%2Fword@mail.county.gov:2525", "/tmp/outbox")
    assert cfg == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.county.gov",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "jpo@county.gov",
        "EMAIL_HOST_PASSWORD": "p@ss/word",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


@pytest.mark.parametrize("url, port, tls, ssl", [("smtp://mail", 25, False, False), ("smtp+tls://mail", 587, True, False),
                                                 ("smtp+ssl://mail", 465, False, True)])
def test_email_url_default_port_follows_scheme(url, port, tls, ssl):
    cfg = email_settings(url, "/tmp/outbox")
    assert (cfg["EMAIL_PORT"], cfg["EMAIL_USE_TLS"], cfg["EMAIL_USE_SSL"]) == (port, tls, ssl)


def test_email_url_console_and_file_schemes():
    assert email_settings("console://", "/x")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert email_settings("file:///var/mail/jpo", "/x")["EMAIL_FILE_PATH"] == "/var/mail/jpo"


def test_email_url_unknown_scheme_is_improperly_configured():
    with pytest.raises(ImproperlyConfigured, match="unknown scheme 'imap'"):
        email_settings("imap://mail.county.gov", "/tmp/outbox")


def test_email_url_malformed_port_is_improperly_configured():
    with pytest.raises(ImproperlyConfigured, match="malformed port"):
        email_settings("smtp://mail.county.gov:port", "/tmp/outbox")


# Startup in a fresh process

def test_startup_fails_when_debug_is_off_and_secret_key_missing():
    env = _production_env(SECRET_KEY=None)
    env.pop("SECRET_KEY_FILE", None)
    result = _run(["-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off." in result.stderr


def test_startup_fails_when_debug_is_malformed():
    result = _run(["-c", "import django; django.setup()"], _production_env(DEBUG="maybe"))
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'." in result.stderr


def test_check_deploy_is_clean_under_production_env():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_redis_cache_uses_the_next_database_so_clearing_it_keeps_the_queue():
    from config.env import redis_db_url

    assert redis_db_url("redis://127.0.0.1:6379/0", offset=1) == "redis://127.0.0.1:6379/1"
    assert redis_db_url("redis://:pw@redis:6379", offset=1) == "redis://:pw@redis:6379/1"


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """The bulletin's and the map's aggregates cross the JIT cost threshold and pay its compile time
    on every run; every connection turns it off, whatever the server's own setting."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the CI's second pass)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_postgresql_settings_ask_for_no_jit(monkeypatch):
    """Read from a fresh process: DATABASE_URL naming PostgreSQL gives the connection option."""
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'].get('options'))"
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused", "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], env=env, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, check=True).stdout
    assert out.strip() == "-c jit=off"
