from django.urls import path

from exams import views, views_bank

app_name = "exams"

urlpatterns = [
    path("certifications/", views.certifications, name="certifications"),
    path("certifications/<slug:code>/", views.certification_detail, name="certification"),
    path("<id:exam_id>/start/", views.exam_start, name="start"),
    path("attempts/<id:attempt_id>/", views.take, name="take"),
    path("attempts/<id:attempt_id>/result/", views.result, name="result"),
    path("examiner/", views.examiner_queue, name="examiner_queue"),
    path("examiner/attempts/<id:attempt_id>/", views.assess, name="assess"),
    path("bank/import/", views_bank.import_questions, name="import"),
    path("bank/import/<id:staged_id>/", views_bank.import_staged, name="import_staged"),
    path("bank/export/<id:category_id>/<str:fmt>/", views_bank.export_questions, name="export"),
    path("bank/export/<str:fmt>/", views_bank.export_bank, name="export_bank"),
    path("bank/questions/<id:question_id>/regrade/", views_bank.regrade, name="regrade"),
]
