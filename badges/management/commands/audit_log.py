"""python manage.py audit_log [--url BASE] [--state FILE] [--entries] — audit the issuance log as an outsider.

Fetches every signed tree head (from the platform at BASE over its public API, or from this database), checks each
head's signature against the issuer's DID document and the consistency proof between consecutive heads, and, with
``--state``, that the log only grew since the head that file records (written after a successful audit).
``--entries`` also fetches every entry and recomputes every head's root from them. Exit status 0 when the log
passes, 1 with the reason on the first failure, 2 when the log cannot be reached (badges/audit.py)."""
from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from badges.audit import AuditError, audit

TIMEOUT = 20


class HttpSource:
    """The platform's public log API (``/api/v1/log/…``) and DID document, over HTTP(S)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def _get(self, path: str, **params):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        req = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "audit_log"})
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 - an http(s) URL the user gave
            return json.loads(resp.read(16 * 1024 * 1024))

    def did_document(self) -> dict:
        return self._get("/.well-known/did.json")

    def tree_heads(self) -> list[dict]:
        heads, after = [], None
        while True:
            page = self._get("/api/v1/log/tree-heads", limit=1000, **({"after": after} if after is not None else {}))
            heads += page["tree_heads"]
            after = page.get("next")
            if after is None:
                return heads

    def consistency(self, first: int, second: int) -> list[str]:
        return self._get("/api/v1/log/proof/consistency", first=first, second=second)["consistency_path"]

    def entries(self, start: int, end: int) -> list[dict]:
        return self._get("/api/v1/log/entries", start=start, end=end)["entries"]


class LocalSource:
    """The same answers read from this platform's database (the services the API calls)."""

    def did_document(self) -> dict:
        from badges import services

        return services.did_document()

    def tree_heads(self) -> list[dict]:
        from badges import transparency

        heads, after = [], -1
        while True:
            page = transparency.tree_heads(after, transparency.MAX_HEADS_PER_PAGE)
            heads += [transparency.head_dict(h) for h in page]
            if len(page) < transparency.MAX_HEADS_PER_PAGE:
                return heads
            after = page[-1].tree_size

    def consistency(self, first: int, second: int) -> list[str]:
        from badges import transparency

        try:
            return transparency.consistency(first, second)
        except transparency.LogError as exc:  # e.g. a node missing from the store
            raise AuditError(f"no consistency proof from {first} to {second}: {exc}") from exc

    def entries(self, start: int, end: int) -> list[dict]:
        from badges import transparency

        try:
            return transparency.entries(start, end)
        except transparency.LogError as exc:
            raise AuditError(f"no entries from {start}: {exc}") from exc


class Command(BaseCommand):
    help = "Audit the issuance log: tree head signatures, consistency between heads, growth since the last run."

    def add_arguments(self, parser):
        parser.add_argument("--url", help="the platform's base URL (default: this database)")
        parser.add_argument("--state", help="a JSON file keeping the last head audited (read, then written on "
                                            "success): the log must have only grown since")
        parser.add_argument("--entries", action="store_true",
                            help="also fetch every entry and recompute every tree head's root from them")
        parser.add_argument("--publish", action="store_true",
                            help="(local only) sign a tree head of the current size first")

    def handle(self, *args, **opts):
        if opts["url"]:
            if urllib.parse.urlsplit(opts["url"]).scheme not in ("http", "https"):
                raise CommandError("--url must be an http(s) URL", returncode=2)
            source = HttpSource(opts["url"])
        else:
            source = LocalSource()
            if opts["publish"]:
                from badges import transparency

                transparency.publish_tree_head(force=True)
        state_path = Path(opts["state"]) if opts["state"] else None
        state = None
        if state_path and state_path.exists():
            try:
                state = json.loads(state_path.read_text())
            except ValueError as exc:
                raise CommandError(f"the state file {state_path} is not JSON: {exc}", returncode=2) from exc
        try:
            result = audit(source, state, entries=opts["entries"])
        except AuditError as exc:
            raise CommandError(f"AUDIT FAILED: {exc}", returncode=1) from exc
        except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"the log could not be read: {type(exc).__name__}: {exc}", returncode=2) from exc
        if state_path:
            state_path.write_text(json.dumps(result.state(), indent=2) + "\n")
        self.stdout.write(f"OK: {result.origin}: {result.heads} signed tree heads, consistent; latest size "
                          f"{result.tree_size}, root {result.root_hash}")
        for note in result.notes:
            self.stdout.write(f"  {note}")
        if opts["entries"]:
            self.stdout.write(f"  {result.entries_checked} entries recomputed into every tree head's root")
        sys.stdout.flush()
