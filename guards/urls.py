from django.urls import path, re_path

from guards import views, views_lifecycle as lifecycle

app_name = "guards"

urlpatterns = [
    path("", views.guard_list, name="guard-list"),
    path("new/", views.guard_create, name="guard-create"),
    path("<int:pk>/", views.guard_detail, name="guard-detail"),
    path("<int:pk>/edit/", views.guard_update, name="guard-update"),
    path("<int:pk>/point/", views.guard_set_point, name="guard-set-point"),
    path("companies/", views.company_list, name="company-list"),
    path("companies/<int:pk>/", views.company_detail, name="company-detail"),
    # Guard lifecycle (issue #6): certificates, training and rosters, points, payouts, assessments, equipment.
    path("certificates/", lifecycle.certificates, name="certificates"),
    path("training/", lifecycle.training, name="training"),
    path("training/sessions/new/", lifecycle.session_create, name="session-create"),
    path("training/sessions/<int:pk>/edit/", lifecycle.session_update, name="session-update"),
    path("training/compile/", lifecycle.rosters_compile, name="rosters-compile"),
    path("rosters/", lifecycle.roster_list, name="roster-list"),
    path("rosters/<int:pk>/", lifecycle.roster_detail, name="roster-detail"),
    path("rosters/<int:pk>/move/", lifecycle.roster_move, name="roster-move"),
    path("rosters/<int:pk>/submit/", lifecycle.roster_submit, name="roster-submit"),
    path("rosters/<int:pk>/approve/", lifecycle.roster_approve, name="roster-approve"),
    path("rosters/<int:pk>/return/", lifecycle.roster_return, name="roster-return"),
    path("rosters/<int:pk>/attendance/", lifecycle.roster_attendance, name="roster-attendance"),
    path("rosters/<int:pk>/lock/", lifecycle.roster_lock, name="roster-lock"),
    path("points/", lifecycle.points, name="points"),
    path("points/rules/", lifecycle.point_rules, name="point-rules"),
    path("points/award/", lifecycle.points_award, name="points-award"),
    path("payouts/", lifecycle.payout_list, name="payout-list"),
    path("payouts/compute/", lifecycle.payout_compute, name="payout-compute"),
    path("payouts/<int:pk>/", lifecycle.payout_detail, name="payout-detail"),
    path("payouts/<int:pk>/approve/", lifecycle.payout_approve, name="payout-approve"),
    re_path(r"^payouts/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx)$", lifecycle.payout_export, name="payout-export"),
    path("assessments/", lifecycle.assessment_list, name="assessment-list"),
    path("assessments/run/", lifecycle.assessment_run, name="assessment-run"),
    path("assessments/apply/", lifecycle.assessment_apply, name="assessment-apply"),
    path("equipment/", lifecycle.equipment_list, name="equipment-list"),
    path("equipment/add/", lifecycle.equipment_add, name="equipment-add"),
    path("equipment/<int:pk>/issue/", lifecycle.equipment_issue, name="equipment-issue"),
    path("equipment/<int:pk>/return/", lifecycle.equipment_return, name="equipment-return"),
]
