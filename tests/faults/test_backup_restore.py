"""manage.py backup, then manage.py restore into a new PostgreSQL database (another process, as on a fresh machine):
every credential verifies as before (a revoked one stays revoked), the status lists and the exam attempts are
unchanged, the media are back, and the key-encryption key is nowhere in the backup."""
import json
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from lms import backup
from tests.faults.conftest import ROOT, database_url

pytestmark = [pytest.mark.services]


def _createdb(name):
    from django.db import connection

    with connection.cursor() as c:
        c.execute(f'CREATE DATABASE "{name}"')


def _dropdb(name):
    from django.db import connection

    with connection.cursor() as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_a_new_database(transactional_db, tmp_path, record_property):
    from badges import services
    from badges.models import Achievement, Credential
    from exams import services as exams_services
    from tests.exams.helpers import all_right, make_certification, registered_student
    from tests.factories import make_user

    cert = make_certification(types=("single", "truefalse"), practical=False)
    student = registered_student(cert)
    attempt = exams_services.start_attempt(cert.exam, student)
    all_right(attempt)
    exams_services.submit_attempt(attempt)
    achievement = Achievement.objects.create(slug="faults-backup", name="Rigging — backup")
    creds = [services.issue_credential(make_user("student"), achievement, notify=False).credential for _ in range(3)]
    services.issue_for_attempt(attempt.pk)
    services.revoke_credential(creds[0], reason="Issued by mistake")
    for cred in creds[1:]:
        services.store_files(cred)
    before = backup.summary()
    assert set(before["credentials"].values()) == {"VALID", "REVOKED"} and len(before["credentials"]) == 4

    target = tmp_path / "backup"
    started = time.monotonic()
    call_command("backup", str(target))
    backup_s = time.monotonic() - started
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["summary"] == before
    kek = settings.BADGES_KEY_ENCRYPTION_KEY.encode()
    for f in target.iterdir():
        assert kek not in f.read_bytes(), f"{f.name} holds the key-encryption key"
    media_before = {p.relative_to(settings.MEDIA_ROOT): p.read_bytes()
                    for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()}
    assert media_before

    name = f"faults_restore_{uuid.uuid4().hex[:8]}"
    new_media = tmp_path / "restored-media"
    _createdb(name)
    try:
        env = dict(os.environ, DATABASE_URL=database_url().rsplit("/", 1)[0] + f"/{name}",
                   MEDIA_ROOT=str(new_media), PUBLIC_BASE_URL=settings.PUBLIC_BASE_URL)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "manage.py", "restore", str(target), "--summary-json",
                               str(tmp_path / "restored.json")], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=180)
        restore_s = time.monotonic() - started
        assert done.returncode == 0, done.stderr[-3000:]
        assert "verify as before" in done.stdout
        assert json.loads((tmp_path / "restored.json").read_text()) == before
        media_after = {p.relative_to(new_media): p.read_bytes() for p in new_media.rglob("*") if p.is_file()}
        assert media_after == media_before
    finally:
        _dropdb(name)
    # Without the right key-encryption key the restore refuses before touching anything (it is never in the backup).
    with override_settings(BADGES_KEY_ENCRYPTION_KEY="not-the-key"), \
            pytest.raises(backup.BackupError, match="BADGES_KEY_ENCRYPTION_KEY"):
        backup.restore(target)
    # A damaged backup is refused before anything is written.
    (target / "media.tar.gz").write_bytes(b"damaged")
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.read_manifest(target)
    assert Credential.objects.count() == 4
    record_property("backup_s", round(backup_s, 1))
    record_property("restore_s", round(restore_s, 1))
    print(f"\n[faults] backup {backup_s:.1f} s, restore into a new database + check {restore_s:.1f} s")
