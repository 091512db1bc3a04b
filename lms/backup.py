"""Backup and restore of a Flow Stage Academy deployment (``manage.py backup <dir>`` / ``manage.py restore <dir>``).

A backup folder holds:
- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (embedded mode: SQLite's online
  backup API, consistent while the server runs);
- ``media.tar.gz``: MEDIA_ROOT (course files, badge images and QR codes, agreement PDFs…);
- ``manifest.json``: when, from which engine, the SHA-256 of each file, a fingerprint of the key-encryption key and
  a ``summary`` of what must survive (every credential's verdict, each status list's hash, each exam attempt's hash).

The badge signing keys are in the database, encrypted with BADGES_KEY_ENCRYPTION_KEY (the KEK). The KEK is NEVER
written into a backup (only a one-way fingerprint, to tell at restore time whether the right KEK is configured):
keep it in the secret store the production environment reads it from, and a second copy offline (README
"Reliability"). A backup restored without its KEK cannot sign anything; the credentials already issued still
verify (verification needs only the public keys), but the platform can issue nothing until the key is rotated.

Pure of app imports at module level: ``summary`` reads every app (this is lms, the composing layer).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    pass


def kek_fingerprint(kek: str | None = None) -> str:
    """A one-way fingerprint of the key-encryption key (not the key, nor enough to guess it)."""
    kek = settings.BADGES_KEY_ENCRYPTION_KEY if kek is None else kek
    return hashlib.sha256(b"flowstage-kek-fingerprint\0" + kek.encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432),
            "--username", str(db.get("USER") or "postgres")]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(cmd, env) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def summary() -> dict:
    """What a restore must give back unchanged: each credential's verdict (verified offline against the keys in
    this database), each status list's bits and signed document, each exam attempt with its answers, the keys."""
    from badges.models import Credential, SigningKey, StatusList
    from badges.resolver import DatabaseResolver
    from badges.verification import verify_credential
    from exams.models import Attempt, AttemptQuestion

    resolver = DatabaseResolver()
    credentials = {str(pk): verify_credential(doc, resolver).verdict
                   for pk, doc in Credential.objects.order_by("pk").values_list("pk", "signed_json")}
    status_lists = {str(n): hashlib.sha256(bytes(bits) + signed.encode()).hexdigest()
                    for n, bits, signed in StatusList.objects.order_by("number").values_list("number", "bits",
                                                                                              "signed_json")}
    answers: dict[int, list] = {}
    for attempt_id, position, response, awarded in (AttemptQuestion.objects.order_by("attempt_id", "position")
                                                    .values_list("attempt_id", "position", "response", "awarded")):
        answers.setdefault(attempt_id, []).append([position, response, str(awarded)])
    attempts = {}
    for a in Attempt.objects.order_by("pk").values("pk", "status", "final_pct", "passed", "submitted_at"):
        row = [a["status"], str(a["final_pct"]), a["passed"], str(a["submitted_at"]), answers.get(a["pk"], [])]
        attempts[str(a["pk"])] = hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()
    keys = {f"key-{k.number}": k.public_key_multibase for k in SigningKey.objects.order_by("number")}
    return {"credentials": credentials, "status_lists": status_lists, "attempts": attempts, "signing_keys": keys}


def backup(target: Path, *, using: str = "default") -> dict:
    """Write a backup into ``target`` (created; must be empty). Returns the manifest."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    db = connections[using].settings_dict
    vendor = connections[using].vendor
    files = {}
    if vendor == "postgresql":
        args, env = _pg_env(db)
        out = target / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args, "--file", str(out), db["NAME"]],
             env)
    elif vendor == "sqlite":
        out = target / "database.sqlite3"
        src = sqlite3.connect(str(db["NAME"]))
        dst = sqlite3.connect(str(out))
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
    else:
        raise BackupError(f"unsupported database engine: {vendor}")
    files[out.name] = _sha256(out)
    media = target / "media.tar.gz"
    with tarfile.open(media, "w:gz") as tar:
        root = Path(settings.MEDIA_ROOT)
        if root.exists():
            tar.add(str(root), arcname="media")
    files[media.name] = _sha256(media)
    manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "engine": vendor, "files": files,
                "kek_fingerprint": kek_fingerprint(), "public_base_url": settings.PUBLIC_BASE_URL,
                "summary": summary()}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def read_manifest(source: Path) -> dict:
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable {MANIFEST} in {source}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, digest in manifest["files"].items():
        if not (source / name).exists() or _sha256(source / name) != digest:
            raise BackupError(f"{name} is missing or damaged (SHA-256 differs from the manifest)")
    return manifest


def restore(source: Path, *, using: str = "default", allow_other_kek: bool = False) -> dict:
    """Restore the backup in ``source`` into the configured (empty, or to be overwritten) database and MEDIA_ROOT.
    Refuses when the configured KEK is not the one the backup's keys were encrypted with (unless
    ``allow_other_kek``). Returns the summary of the restored data (to compare with the manifest's)."""
    source = Path(source)
    manifest = read_manifest(source)
    if manifest["kek_fingerprint"] != kek_fingerprint() and not allow_other_kek:
        raise BackupError("BADGES_KEY_ENCRYPTION_KEY is not the key this backup's signing keys were encrypted with: "
                          "set it from your secret store (it is never inside a backup), or pass --allow-other-kek "
                          "to restore anyway (existing credentials verify; nothing can be signed until a new key)")
    conn = connections[using]
    db = conn.settings_dict
    if conn.vendor != manifest["engine"]:
        raise BackupError(f"the backup is of {manifest['engine']}, the configured database is {conn.vendor}")
    conn.close()
    if conn.vendor == "postgresql":
        args, env = _pg_env(db)
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error", *args,
              "--dbname", db["NAME"], str(source / "database.dump")], env)
    else:
        src = sqlite3.connect(str(source / "database.sqlite3"))
        dst = sqlite3.connect(str(db["NAME"]))
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(source / "media.tar.gz") as tar:
        tar.extractall(tmp, filter="data")
        extracted = Path(tmp) / "media"
        if extracted.exists():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(extracted, media_root, dirs_exist_ok=True)
    return summary()


def keys_usable() -> bool:
    """Every signing key decrypts with the configured KEK."""
    from badges import services
    from badges.models import SigningKey

    try:
        for key in SigningKey.objects.all():
            services.private_key(key)
    except Exception:  # noqa: BLE001 - any failure: the KEK does not open the keys
        return False
    return True


__all__ = ["BackupError", "backup", "restore", "read_manifest", "summary", "kek_fingerprint", "keys_usable"]
