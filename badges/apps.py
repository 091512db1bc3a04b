from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BadgesConfig(AppConfig):
    name = "badges"
    verbose_name = _("Badges")

    def ready(self):
        from badges import personal_data

        personal_data.register()  # this app's section of a person's data (lms/accounts/personal_data.py)
        from badges import receivers

        receivers.connect()
