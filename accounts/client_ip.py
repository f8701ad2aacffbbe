"""The client's IP address, one rule for the throttles, the lockout and the audit log.

REMOTE_ADDR is the address that opened the connection. Only when the deployment says how many proxies
it runs in front of Django (TRUSTED_PROXY_COUNT) is X-Forwarded-For read, and then only the entry that
the nearest trusted proxy appended: a client that sends its own X-Forwarded-For cannot choose the
address it is throttled, locked out or logged under. The rule is DRF's `NUM_PROXIES` rule, so the
API throttles (settings.REST_FRAMEWORK["NUM_PROXIES"]) and django-axes (AXES_CLIENT_IP_CALLABLE)
agree with it."""
from django.conf import settings


def client_ip(request) -> str | None:
    meta = request.META
    remote_addr = meta.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote_addr
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr
