"""Write lms/schema_snapshot.sql: migrate a scratch SQLite database with the real migrations, then dump it."""
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms import schema_snapshot


def migrate_scratch_database(var_dir: Path) -> Path:
    """A database migrated from nothing by the real migrations, in a process of its own on the embedded default."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["LMS_VAR_DIR"] = str(var_dir)
    done = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "migrate", "--no-snapshot", "--run-syncdb",
         "--noinput", "-v0"], env=env, capture_output=True, text=True)
    if done.returncode:
        raise CommandError(f"migrate failed:\n{done.stderr[-3000:]}")
    return var_dir / "db.sqlite3"


class Command(BaseCommand):
    help = "Rewrite lms/schema_snapshot.sql from the migrations (needed after any migration changes)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(schema_snapshot.SNAPSHOT))

    def handle(self, *args, output, **options):
        with tempfile.TemporaryDirectory() as tmp:
            db = migrate_scratch_database(Path(tmp))
            raw = sqlite3.connect(db)
            try:
                text = schema_snapshot.dump(raw, schema_snapshot.migrations_key())
            finally:
                raw.close()
        Path(output).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {output} ({text.count(chr(10))} lines).")
