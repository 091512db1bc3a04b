"""python manage.py verify_credential FILE — verify a credential (JSON, baked PNG or SVG) offline.

Exit status 0 only when the verdict is VALID (1 otherwise, 2 when the file cannot be read)."""
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from badges import media
from badges.resolver import verify


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 credential file; exit 0 only when VALID."

    def add_arguments(self, parser):
        parser.add_argument("file", help="credential JSON, baked PNG or baked SVG ('-' for stdin)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **opts):
        name = opts["file"]
        try:
            if name == "-":
                raw = sys.stdin.buffer.read(media.MAX_FILE_BYTES + 1)
            else:
                path = Path(name)
                if path.stat().st_size > media.MAX_FILE_BYTES:
                    raise media.BakingError(f"file too large (limit {media.MAX_FILE_BYTES} bytes)")
                raw = path.read_bytes()
            text = media.extract_credential(raw)
        except (OSError, media.BakingError) as exc:
            self.stderr.write(f"INVALID: cannot read {name}: {exc}")
            sys.exit(2)
        report = verify(text.encode("utf-8"))
        if opts["json"]:
            from badges.verification import report_json

            self.stdout.write(report_json(report))
        else:
            for check in report.checks:
                mark = {True: "ok  ", False: "FAIL", None: "--  "}[check.ok]
                self.stdout.write(f"[{mark}] {check.name}: {check.detail}")
            self.stdout.write(f"{report.verdict}: {report.reason}")
        sys.exit(0 if report.valid else 1)
