"""Django's ``migrate``, which first fills an empty SQLite database from the schema snapshot when it matches the
migrations (``lms/schema_snapshot.py``); it then runs as usual and finds nothing left to apply."""
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from lms import schema_snapshot


class Command(DjangoMigrate):
    help = DjangoMigrate.help + (
        " An empty SQLite database is first filled from lms/schema_snapshot.sql when its key matches the migrations.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-snapshot", action="store_true",
                            help="Replay every migration even on an empty SQLite database.")

    def handle(self, *args, **options):
        whole = not (options["app_label"] or options["fake"] or options["fake_initial"] or options["plan"]
                     or options["check_unapplied"] or options["prune"])
        if whole and not options["no_snapshot"]:
            if schema_snapshot.load_if_fresh(connections[options["database"]]) and options["verbosity"] >= 1:
                self.stdout.write("Loaded the schema snapshot of the migrations (lms/schema_snapshot.sql).")
        super().handle(*args, **options)
