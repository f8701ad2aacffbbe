from django.urls import include, path

from config import views
from guards.views import dashboard
from liaison_points.urls import urlpatterns as point_urls

# The county dashboard counts guards and companies, so its view lives in guards (liaison_points
# never imports guards); it is still named `liaison_points:dashboard`, next to the point pages.
liaison_point_pages = [
    path("dashboard/", dashboard, name="dashboard"),
    path("points/", include(point_urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include((liaison_point_pages, "liaison_points"))),
    path("guards/", include("guards.urls")),
    path("disputes/", include("disputes.urls")),
    path("patrols/", include("patrol.urls")),
]
