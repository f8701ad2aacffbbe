from django.urls import path

from training import views, views_attendance

app_name = "training"

urlpatterns = [
    path("certificates/", views.certificates, name="certificates"),
    path("training/", views.training, name="training"),
    path("training/sessions/new/", views.session_create, name="session-create"),
    path("training/sessions/<int:pk>/edit/", views.session_update, name="session-update"),
    path("training/sessions/<int:pk>/attendance/", views_attendance.session_attendance, name="session-attendance"),
    path("training/compile/", views.rosters_compile, name="rosters-compile"),
    path("rosters/", views.roster_list, name="roster-list"),
    path("rosters/<int:pk>/", views.roster_detail, name="roster-detail"),
    path("rosters/<int:pk>/move/", views.roster_move, name="roster-move"),
    path("rosters/<int:pk>/submit/", views.roster_submit, name="roster-submit"),
    path("rosters/<int:pk>/approve/", views.roster_approve, name="roster-approve"),
    path("rosters/<int:pk>/return/", views.roster_return, name="roster-return"),
    path("rosters/<int:pk>/attendance/", views.roster_attendance, name="roster-attendance"),
    path("rosters/<int:pk>/lock/", views.roster_lock, name="roster-lock"),
]
