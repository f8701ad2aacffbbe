from django.urls import path

from disputes import views

app_name = "disputes"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("all/", views.dispute_list, name="dispute-list"),
    path("new/", views.dispute_create, name="dispute-create"),
    path("report/", views.dispute_report, name="dispute-report"),
    path("<int:pk>/", views.dispute_detail, name="dispute-detail"),
    path("<int:pk>/do/<slug:name>/", views.dispute_action, name="dispute-action"),
    path("tips/", views.tip_list, name="tip-list"),
    path("tips/new/", views.tip_create, name="tip-create"),
    path("tips/report/", views.tip_report, name="tip-report"),
    path("tips/<int:pk>/", views.tip_detail, name="tip-detail"),
    path("tips/<int:pk>/do/<slug:name>/", views.tip_action, name="tip-action"),
    path("tips/attachments/<int:pk>/", views.tip_attachment, name="tip-attachment"),
    path("tips/attachments/<int:pk>/thumbnail/", views.tip_attachment_thumbnail, name="tip-attachment-thumbnail"),
]
