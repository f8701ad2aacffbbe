from django.urls import path

from guards import views

app_name = "guards"

urlpatterns = [
    path("", views.guard_list, name="guard-list"),
    path("new/", views.guard_create, name="guard-create"),
    path("<int:pk>/", views.guard_detail, name="guard-detail"),
    path("<int:pk>/edit/", views.guard_update, name="guard-update"),
    path("<int:pk>/point/", views.guard_set_point, name="guard-set-point"),
    path("companies/", views.company_list, name="company-list"),
    path("companies/<int:pk>/", views.company_detail, name="company-detail"),
]
