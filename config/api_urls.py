from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api_auth import ObtainTokenView
from config.api_router import grouped_urls, router

urlpatterns = [
    path("v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("v1/", include(grouped_urls(router.urls))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file (?script), not inline: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
