from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = _("Exams")

    def ready(self):
        from exams import personal_data

        personal_data.register()  # this app's section of a person's data (lms/accounts/personal_data.py)
