"""The guard's phone pages as an installable web app: the manifest, and the service worker served
from the site root (its scope is the whole site) that keeps the guard's pages and the static files
for offline use. What is done offline waits in the phone's outbox (config/offline.py,
static/js/outbox.js)."""
import hashlib

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

THEME_COLOUR = "#17325c"  # --brand in static/css/app.css
BACKGROUND_COLOUR = "#f4f6f8"  # --bg
ICONS = (("icons/icon-192.png", "192x192", "any"), ("icons/icon-512.png", "512x512", "any"),
         ("icons/icon-maskable-512.png", "512x512", "maskable"))
# Static files a guard's page needs: kept by the service worker when it is installed.
SHELL_STATIC = (
    "css/app.css", "css/patrol.css", "js/app.js", "js/patrol.js", "js/disputes.js", "js/outbox-store.js", "js/outbox.js",
    "favicon.svg", "icons/icon-192.png",
)
# The guard's pages the service worker keeps (network first, the kept copy when offline): path
# patterns as JavaScript regular expressions, and the pages fetched when it is installed.
GUARD_PAGE_PATTERNS = (
    r"^/patrols/my/$", r"^/patrols/scan/[^/]+/$", r"^/disputes/$", r"^/disputes/report/$", r"^/disputes/tips/report/$",
    r"^/disputes/\d+/$", r"^/disputes/tips/\d+/$", r"^/guards/\d+/$",
)
GUARD_START_PAGES = ("patrol:my", "disputes:tip-report", "disputes:dispute-report", "disputes:queue")


@require_safe
@cache_control(max_age=3600)
def manifest(request):
    """The web app manifest (start_url: the guard's patrols of the day)."""
    body = {
        "name": _("Joint Patrol Office"),
        "short_name": _("Joint patrol"),
        "description": _("Police–security joint patrols: check in, scan checkpoints and report from the phone, also offline."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("patrol:my"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [{"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose} for path, sizes, purpose in ICONS],
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_safe
def service_worker(request):
    """/sw.js: rendered so it names the static files by their current (hashed) URLs; a changed file
    changes the worker's bytes, and the phone installs the new worker and its new cache."""
    context = {
        "static_urls": [static(path) for path in SHELL_STATIC],
        "page_patterns": GUARD_PAGE_PATTERNS,
        "start_pages": [reverse(name) for name in GUARD_START_PAGES],
        "static_prefix": settings.STATIC_URL,
        "login_url": reverse("accounts:login"),
        "logout_url": reverse("accounts:logout"),
    }
    script = render_to_string("pwa/sw.js", context, request=request)
    version = hashlib.sha256(script.encode()).hexdigest()[:12]
    response = HttpResponse(script.replace("__VERSION__", version), content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
