from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import pwa, views
from config.admin_site import load_admin_modules

load_admin_modules()
admin.site.site_header = _("Joint Patrol Office")
admin.site.site_title = _("Joint Patrol Office")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("api/", include("config.api_urls")),
    path("", include("config.page_urls")),
]

handler400 = "config.json_guard.bad_request"  # JSON under /api/ (a body too big), the 400 page elsewhere
handler404 = "config.json_guard.page_not_found"  # JSON under /api/ (no route), the 404 page elsewhere

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
