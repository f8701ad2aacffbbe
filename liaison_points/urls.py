"""Liaison point pages. config/page_urls.py mounts these under /points/, in the `liaison_points`
namespace together with the county dashboard (a guards view: it counts guards and companies)."""
from django.urls import path

from liaison_points import views

app_name = "liaison_points"

urlpatterns = [
    path("", views.point_list, name="point-list"),
    path("new/", views.point_create, name="point-create"),
    path("<int:pk>/", views.point_detail, name="point-detail"),
    path("<int:pk>/edit/", views.point_update, name="point-update"),
]
