"""Load the demo data set. Idempotent: running it twice leaves the same rows."""
import importlib
import importlib.util

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

# Each step is a module with a `seed(out)` function; they run in this order (lower apps first).
STEPS = [
    "partnerships.demo",
    "lms.demo",
    "courses.demo",
    "exams.demo",
    "badges.demo",
    "lms.demo_history",
    "lms.demo_dashboards",
    "careers.demo",  # a package: one module per stage (careers/demo/__init__.py)
]


class Command(BaseCommand):
    help = "Create the demo schools, users, courses, exams and badges (idempotent)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production (DJANGO_ENV=production).")
        # The e-mails the seeded events trigger (badges issued, applications…) are kept in memory, not printed by
        # the console backend: the output is a short summary and the logins.
        earlier_outbox = getattr(mail, "outbox", None)
        mail.outbox = []
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for dotted in STEPS:
                if importlib.util.find_spec(dotted) is None:
                    continue
                module = importlib.import_module(dotted)
                with transaction.atomic():
                    module.seed(self.stdout)
        composed = len(mail.outbox)
        if earlier_outbox is None:
            del mail.outbox
        else:
            mail.outbox = earlier_outbox
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready ({composed} notification e-mails composed while seeding, not sent)."))
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
