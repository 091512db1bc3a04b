"""manage.py restore <dir>: a backup of manage.py backup into the configured database and MEDIA_ROOT, then a check
that every credential verifies as before, the status lists and the exam attempts are unchanged."""
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms import backup


class Command(BaseCommand):
    help = "Restore a backup (manage.py backup) into the configured database and MEDIA_ROOT, then check it."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("--allow-other-kek", action="store_true",
                            help="restore although BADGES_KEY_ENCRYPTION_KEY is not the backup's (nothing can be "
                                 "signed until a new key is created)")
        parser.add_argument("--summary-json", type=Path, help="write the restored data's summary there")

    def handle(self, *args, source: Path, allow_other_kek=False, summary_json=None, **options):
        started = time.monotonic()
        try:
            manifest = backup.read_manifest(source)
            restored = backup.restore(source, allow_other_kek=allow_other_kek)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if summary_json:
            summary_json.write_text(json.dumps(restored, sort_keys=True))
        expected = manifest["summary"]
        differences = [part for part in expected if expected[part] != restored.get(part)]
        if differences:
            raise CommandError(f"restored, but differs from the backup's manifest in: {', '.join(differences)}")
        keys = "the signing keys open with the configured key-encryption key" if backup.keys_usable() else \
            "WARNING: the configured key-encryption key does not open the signing keys (nothing can be signed)"
        self.stdout.write(
            f"restored {source} in {time.monotonic() - started:.1f} s: {len(restored['credentials'])} credentials "
            f"verify as before, {len(restored['status_lists'])} status lists and {len(restored['attempts'])} exam "
            f"attempts unchanged; {keys}.")
