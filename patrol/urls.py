from django.urls import path

from patrol.views import checkpoints, detail, guard, inspections, planning, week

app_name = "patrol"

urlpatterns = [
    path("", week.patrol_week, name="week"),
    path("new/", planning.patrol_create, name="create"),
    path("<int:pk>/", detail.patrol_detail, name="detail"),
    path("<int:pk>/start/", detail.patrol_start, name="start"),
    path("<int:pk>/finish/", detail.patrol_finish, name="finish"),
    path("<int:pk>/cancel/", detail.patrol_cancel, name="cancel"),
    path("<int:pk>/roll-call/", detail.patrol_mark, name="mark"),
    path("<int:pk>/missed/", detail.patrol_explain_miss, name="explain-miss"),
    path("plans/", planning.plan_list_view, name="plan-list"),
    path("plans/new/", planning.plan_create_view, name="plan-create"),
    path("checkpoints/", checkpoints.checkpoint_list_view, name="checkpoint-list"),
    path("checkpoints/<int:pk>/qr/", checkpoints.checkpoint_qr, name="checkpoint-qr"),
    path("checkpoints/<int:pk>/qr.svg", checkpoints.checkpoint_qr_svg, name="checkpoint-qr-svg"),
    path("scan/<str:code>/", guard.checkpoint_scan, name="scan"),
    path("my/", guard.my_patrols, name="my"),
    path("my/<int:pk>/check-in/", guard.my_check_in, name="check-in"),
    path("my/<int:pk>/start/", guard.my_patrol_start, name="my-start"),
    path("my/<int:pk>/finish/", guard.my_patrol_finish, name="my-finish"),
    path("inspections/", inspections.inspection_list_view, name="inspection-list"),
    path("inspections/new/", inspections.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/edit/", inspections.inspection_update, name="inspection-update"),
]
