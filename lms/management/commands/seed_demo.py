"""Load the demo data set. Idempotent: running it twice leaves the same rows."""
import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each step is a module with a `seed(out)` function; they run in this order (lower apps first).
STEPS = [
    "partnerships.demo",
    "lms.demo",
    "courses.demo",
    "exams.demo",
    "badges.demo",
    "lms.demo_history",
    "lms.demo_dashboards",
    "careers.demo",
]


class Command(BaseCommand):
    help = "Create the demo schools, users, courses, exams and badges (idempotent)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production (DJANGO_ENV=production).")
        for dotted in STEPS:
            if importlib.util.find_spec(dotted) is None:
                continue
            module = importlib.import_module(dotted)
            with transaction.atomic():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(DEMO_LOGINS)


DEMO_LOGINS = """
Demo logins (password for all: flowstage-demo)
  marie.dubois@demo.flowstage.test   student (L3 Ingénieur Son, La Fémis)
  teacher@demo.flowstage.test        teacher
  examiner@demo.flowstage.test       examiner
  school@demo.flowstage.test         school staff (La Fémis)
  employer@demo.flowstage.test       employer (Sonotec Live)
  staff@demo.flowstage.test          Flow Stage staff
  admin@demo.flowstage.test          superuser
"""
