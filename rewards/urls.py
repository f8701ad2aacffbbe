from django.urls import path, re_path

from rewards import views, views_rounds

app_name = "rewards"

urlpatterns = [
    path("points/", views.points, name="points"),
    path("points/rules/", views.point_rules, name="point-rules"),
    path("points/award/", views.points_award, name="points-award"),
    path("payouts/", views.payout_list, name="payout-list"),
    path("payouts/compute/", views.payout_compute, name="payout-compute"),
    path("payouts/<int:pk>/", views.payout_detail, name="payout-detail"),
    path("payouts/<int:pk>/approve/", views.payout_approve, name="payout-approve"),
    re_path(r"^payouts/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx)$", views.payout_export, name="payout-export"),
    path("reward-rounds/", views_rounds.round_list, name="round-list"),
    path("reward-rounds/new/", views_rounds.round_create, name="round-create"),
    path("reward-rounds/<int:pk>/", views_rounds.round_detail, name="round-detail"),
    path("reward-rounds/<int:pk>/approve/", views_rounds.round_approve, name="round-approve"),
    path("reward-rounds/<int:pk>/recompute/", views_rounds.round_recompute, name="round-recompute"),
    re_path(r"^reward-rounds/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx)$", views_rounds.round_export, name="round-export"),
]
