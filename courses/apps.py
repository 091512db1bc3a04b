from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from courses import personal_data

        personal_data.register()  # this app's section of a person's data (lms/accounts/personal_data.py)
        from . import signals  # noqa: F401
