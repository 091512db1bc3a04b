from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = _("Internships and apprenticeships")

    def ready(self):
        from careers import personal_data

        personal_data.register()  # this app's section of a person's data (lms/accounts/personal_data.py)
        from careers import receivers

        receivers.connect()
        receivers.connect_courses()  # the satisfaction question at the end of a module
