from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("points/", include("liaison_points.urls")),
    path("guards/", include("guards.urls")),
]
