from django.urls import path

app_name = "exams"

urlpatterns: list = []
