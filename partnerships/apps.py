from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        from partnerships import personal_data

        personal_data.register()  # this app's section of a person's data (lms/accounts/personal_data.py)
