from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = _("Internships and apprenticeships")

    def ready(self):
        from careers import receivers

        receivers.connect()
