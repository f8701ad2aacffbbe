"""Content-Security-Policy (django-csp): what the policy allows beyond 'self', and the few paths
where it is relaxed. The policy itself is CONTENT_SECURITY_POLICY in config/settings.py."""
from urllib.parse import urlsplit

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.core.exceptions import ImproperlyConfigured

# Third-party pages we serve but do not write: DRF's browsable API puts style="" attributes in its
# markup and drf-spectacular's Swagger UI page has a <style> block. They may use inline styles
# (never inline scripts); every other page gets the strict policy.
RELAXED_STYLE_PREFIXES = ("/api/",)


def tile_origin(url: str) -> str | None:
    """The origin (scheme://host[:port]) of a Leaflet tile URL template, for img-src.

    "https://{s}.tile.example.org/{z}/{x}/{y}.png" → "https://*.tile.example.org"; a relative URL
    (tiles served by this site) needs no entry: None.
    """
    if not url or url.startswith("/") and not url.startswith("//"):
        return None
    parts = urlsplit(url if "://" in url or url.startswith("//") else f"//{url}")
    host = parts.netloc.rsplit("@", 1)[-1]
    if not host:
        raise ImproperlyConfigured(f"MAP_TILES_URL has no host: {url!r}.")
    if "{" in host:
        # A Leaflet subdomain placeholder ({s}) can only be the leftmost label: a CSP wildcard.
        first, _, rest = host.partition(".")
        if "{" in rest or not rest:
            raise ImproperlyConfigured(f"MAP_TILES_URL may hold a placeholder only in its first host label: {url!r}.")
        host = f"*.{rest}"
    if parts.scheme not in ("http", "https", ""):
        raise ImproperlyConfigured(f"MAP_TILES_URL must be an http(s) URL: {url!r}.")
    return f"{parts.scheme}://{host}" if parts.scheme else host  # scheme-relative: the page's scheme


class PathCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with style-src relaxed to 'unsafe-inline' under RELAXED_STYLE_PREFIXES."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(RELAXED_STYLE_PREFIXES):
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), UNSAFE_INLINE]
            parts.update = update
        return parts
