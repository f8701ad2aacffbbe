"""gunicorn settings of bench/measure_http.py: the office's own settings (from the environment the
bench sets: DEBUG off, its database, Redis when reachable), plus the bare reference endpoint."""
from config.settings import *  # noqa: F401,F403

ROOT_URLCONF = "http_urls"
