"""python manage.py declare_key_compromised N --reason "..." [--since 2026-11-30T08:00:00Z] [--reissue]

Declare the issuer's signing key number N (key-N of the DID document) compromised: it leaves the DID document's
assertionMethod at once and what it signed is re-issued with the signing key (badges.services). ``--reissue`` runs
the re-issuance now instead of waiting for the queued task (it waits itself when the new key is not usable yet
and says until when). Without N, lists the keys."""
from datetime import datetime
from datetime import timezone as dt_timezone

from django.core.management.base import BaseCommand, CommandError

from badges import services
from badges.models import SigningKey


def _when(value: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(f"--since: not an ISO 8601 date-time: {value!r}") from exc
    return dt if dt.tzinfo else dt.replace(tzinfo=dt_timezone.utc)


class Command(BaseCommand):
    help = "Declare a badge signing key compromised (re-issues what it signed); without a number, list the keys."

    def add_arguments(self, parser):
        parser.add_argument("number", nargs="?", type=int, help="the key's number (key-N)")
        parser.add_argument("--reason", default="", help="why (kept in the key's history)")
        parser.add_argument("--since", default="", help="compromised from (ISO 8601; default: now)")
        parser.add_argument("--reissue", action="store_true", help="run the re-issuance now")

    def handle(self, *args, **opts):
        if opts["number"] is None and not opts["reissue"]:
            for key in SigningKey.objects.order_by("number"):
                self.stdout.write(f"key-{key.number}\t{key.status}\tsigns from {services.xsd(key.usable_from)}"
                                  f"\t{key.credentials.count()} credentials")
            return
        if opts["number"] is not None:
            key = SigningKey.objects.filter(number=opts["number"]).first()
            if key is None:
                raise CommandError(f"no key-{opts['number']}")
            try:
                key = services.declare_key_compromised(
                    key, reason=opts["reason"], compromised_from=_when(opts["since"]) if opts["since"] else None)
            except services.IssuanceError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"key-{key.number} compromised from {services.xsd(key.revoked_from)}: "
                              f"out of the DID document's assertionMethod.")
        if opts["reissue"]:
            total = copies = 0
            while True:
                result = services.reissue_compromised()
                total += result["reissued"]
                copies += result["copies_resigned"]
                if result["waiting_until"] is not None:
                    self.stdout.write(f"{result['remaining']} credentials or wallet copies wait for the new key, which "
                                      f"signs from {services.xsd(result['waiting_until'])}: run --reissue again then.")
                    break
                if not result["remaining"] or not (result["reissued"] or result["copies_resigned"]):
                    break
            self.stdout.write(f"{total} credentials re-issued.")
            self.stdout.write(f"{copies} wallet copies re-signed.")
