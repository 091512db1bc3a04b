from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views_personal_data as personal

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("password-change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password-change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # personal data: export and erasure (lms/accounts/personal_data.py)
    path("my-data/", personal.my_data, name="my_data"),
    path("my-data/export.json", personal.export_json, name="my_data_json"),
    path("my-data/export/", personal.export_page, name="my_data_page"),
    path("my-data/erase/", personal.request_erasure, name="my_data_erase"),
    path("erasure-requests/", personal.erasure_requests, name="erasure_requests"),
    path("erasure-requests/<id:pk>/", personal.decide_erasure, name="erasure_decide"),
]
