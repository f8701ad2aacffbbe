from django.urls import path

from assessments import views, views_joint

app_name = "assessments"

urlpatterns = [
    path("assessments/", views.assessment_list, name="assessment-list"),
    path("assessments/run/", views.assessment_run, name="assessment-run"),
    path("assessments/apply/", views.assessment_apply, name="assessment-apply"),
    path("unit-assessments/", views_joint.unit_assessment_list, name="unit-assessment-list"),
    path("unit-assessments/run/", views_joint.unit_assessment_run, name="unit-assessment-run"),
    path("interviews/", views_joint.interview_list, name="interview-list"),
    path("interviews/<int:pk>/", views_joint.interview_detail, name="interview-detail"),
    path("equipment/", views.equipment_list, name="equipment-list"),
    path("equipment/add/", views.equipment_add, name="equipment-add"),
    path("equipment/<int:pk>/issue/", views.equipment_issue, name="equipment-issue"),
    path("equipment/<int:pk>/return/", views.equipment_return, name="equipment-return"),
]
