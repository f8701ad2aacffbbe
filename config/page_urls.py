from django.urls import include, path

from bulletins.views import dashboard
from config import views
from liaison_points.urls import urlpatterns as point_urls

# The county dashboard counts guards and shows the bulletin's figures for the week so far, so its
# view lives in bulletins (the one app that reads every other); it is still named
# `liaison_points:dashboard`, next to the point pages.
liaison_point_pages = [
    path("dashboard/", dashboard, name="dashboard"),
    path("points/", include(point_urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include((liaison_point_pages, "liaison_points"))),
    path("guards/", include("guards.urls")),
    # Training, points and assessments keep the addresses they had under /guards/ (bookmarks work).
    path("guards/", include("training.urls")),
    path("guards/", include("rewards.urls")),
    path("guards/", include("assessments.urls")),
    path("disputes/", include("disputes.urls")),
    path("patrols/", include("patrol.urls")),
    path("bulletins/", include("bulletins.urls")),
]
