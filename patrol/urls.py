from django.urls import path

from patrol import views

app_name = "patrol"

urlpatterns = [
    path("", views.patrol_week, name="week"),
    path("new/", views.patrol_create, name="create"),
    path("<int:pk>/", views.patrol_detail, name="detail"),
    path("<int:pk>/start/", views.patrol_start, name="start"),
    path("<int:pk>/finish/", views.patrol_finish, name="finish"),
    path("<int:pk>/cancel/", views.patrol_cancel, name="cancel"),
    path("<int:pk>/roll-call/", views.patrol_mark, name="mark"),
    path("<int:pk>/missed/", views.patrol_explain_miss, name="explain-miss"),
    path("plans/", views.plan_list_view, name="plan-list"),
    path("plans/new/", views.plan_create_view, name="plan-create"),
    path("checkpoints/", views.checkpoint_list_view, name="checkpoint-list"),
    path("checkpoints/<int:pk>/qr/", views.checkpoint_qr, name="checkpoint-qr"),
    path("checkpoints/<int:pk>/qr.svg", views.checkpoint_qr_svg, name="checkpoint-qr-svg"),
    path("scan/<str:code>/", views.checkpoint_scan, name="scan"),
    path("my/", views.my_patrols, name="my"),
    path("my/<int:pk>/check-in/", views.my_check_in, name="check-in"),
    path("inspections/", views.inspection_list_view, name="inspection-list"),
    path("inspections/new/", views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/edit/", views.inspection_update, name="inspection-update"),
]
