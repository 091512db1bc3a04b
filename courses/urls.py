from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("mine/", views.my_learning, name="my_learning"),
    path("transcript/", views.transcript, name="transcript"),
    path("courses/<id:course_id>/enrol/", views.enrol, name="enrol"),
    path("lessons/<id:lesson_id>/complete/", views.complete, name="complete"),
    path("lessons/<id:lesson_id>/submit/", views.submit, name="submit"),
    path("grading/", views.grading, name="grading"),
    path("grading/submissions/<id:submission_id>/", views.grade_submission, name="grade_submission"),
    path("grading/courses/<id:course_id>/", views.course_marks, name="course_marks"),
    path("grading/courses/<id:course_id>/history/", views.marks_history, name="marks_history"),
    path("cohorts/enrol/", views.cohort_enrolment, name="cohort_enrolment"),
]
