from django.urls import path

app_name = "badges"

urlpatterns: list = []
