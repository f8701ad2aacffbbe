from django.urls import path, re_path

from rewards import views

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
]
