"""manage.py backup <dir>: the database, the media and a manifest (lms/backup.py). The KEK is never included."""
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's backup API) and the media into an empty folder."

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path)

    def handle(self, *args, target: Path, **options):
        started = time.monotonic()
        try:
            manifest = backup.backup(target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        s = manifest["summary"]
        self.stdout.write(
            f"backup in {target} ({time.monotonic() - started:.1f} s): {manifest['engine']} database, media, "
            f"{len(s['credentials'])} credentials, {len(s['status_lists'])} status lists, "
            f"{len(s['attempts'])} exam attempts. Not included: BADGES_KEY_ENCRYPTION_KEY (keep it in your secret "
            f"store; fingerprint {manifest['kek_fingerprint']}).")
