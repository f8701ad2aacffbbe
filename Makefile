# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test install migrate demo bench bench-http messages ci clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --if-empty

# `make run` serves people, not a debugger: DEBUG is off, so a failure shows the office's own error
# page in the user's language, never Django's debug page with its list of URL patterns. WhiteNoise
# serves the collected static files; the secret key is made once into var/secret_key; plain http
# on this machine, so no HTTPS redirect or secure-only cookies. `make run RUN_DEBUG=true` for debugging.
RUN_DEBUG ?= false
RUN_ENV = DEBUG=$(RUN_DEBUG) SECRET_KEY_FILE=var/secret_key ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0

var/secret_key:
	@mkdir -p var
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: demo var/secret_key
	@$(PY) manage.py demo_logins
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(RUN_ENV) $(PY) manage.py runserver --noreload $(HOST)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Province scale (bench/run.py): DATABASE_URL if set, else a throwaway bench_<pid> on the local
# PostgreSQL when one answers, else SQLite; 5-18 minutes on 2 cores. Quick run, e.g.:
#   make bench BENCH_ARGS="--activity-weeks 4 --skip-reattach --skip-http"
BENCH_ARGS ?=
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

# Intake over HTTP: tips and check-ins against a bare DRF create endpoint, gunicorn, 32 connections,
# stored = accepted, then the 19:00 check-in burst (PostgreSQL at 127.0.0.1:5432 when reachable).
bench-http: install
	$(PY) bench/measure_http.py

messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=staticfiles --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

# What CI runs: install, checks, the suite on SQLite, then again on PostgreSQL + Redis + a real worker.
ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var db.sqlite3
