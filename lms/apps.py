from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Flow Stage Academy"

    def ready(self):
        # registers the <id:…> path converter before any URL conf is read (lms/converters.py)
        from lms import converters  # noqa: F401
