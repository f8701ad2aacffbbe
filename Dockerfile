# Joint Patrol Office: one image for web (gunicorn), worker (Celery) and beat (Celery beat).
# Build: docker compose build   Run: docker compose up -d   (see README.md, "Docker compose")
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Run the project from /app (templates/, static/ and locale/ live beside manage.py), with the
    # dependencies that `pip install .` put in site-packages.
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings \
    VAR_DIR=/app/var

WORKDIR /app

RUN groupadd --system --gid 1000 jpo \
    && useradd --system --uid 1000 --gid jpo --home-dir /app --no-create-home --shell /usr/sbin/nologin jpo

COPY . /app
RUN pip install . \
    # Static files are collected at build time with throwaway settings (DEBUG off = hashed manifest).
    && DEBUG=false SECRET_KEY=build-only-not-a-secret-collectstatic-0123456789 ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var/media /app/var/private /app/var/outbox \
    && chown -R jpo:jpo /app/var

USER jpo
EXPOSE 8000
VOLUME ["/app/var"]

# docker-compose.yml runs `migrate` before this for the web service; worker and beat override it.
# gthread workers: a request waiting on PostgreSQL or Redis leaves the core to another thread, and
# clients keep their connection (intake measured ~1.3-1.5x the tips and check-ins per second of sync
# workers on 2 cores, bench/measure_http.py --threads; issue #14).
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "4", \
     "--timeout", "60", \
     "--access-logfile", "-", "--error-logfile", "-"]
