"""A fresh SQLite database loaded from a snapshot of the migrated schema instead of replaying every migration.

Replaying the ~270 migrations on an empty SQLite database takes 50–75 s, nearly all of it in Django's migration-state
rendering: each new model that points at the user model re-renders the ~60 models linked to it, so the cost grows with
the square of the number of models, and squashing does not remove a single ``CreateModel``. Loading the schema and the
rows those migrations leave (content types, permissions, Wagtail's root page, site, locale, groups and workflow, the
legal rates of ``careers``) takes well under a second.

- ``lms/schema_snapshot.sql`` is the snapshot: the SQL of a database freshly migrated by the real migrations, with the
  key of those migrations on its first line. ``manage.py schema_snapshot`` writes it (it migrates a scratch database
  in a subprocess, then dumps it).
- The key (``migrations_key``) is a SHA-256 over every migration file Django's loader finds (ours and the installed
  packages'), the installed apps, Django's and Wagtail's versions and the settings the data migrations read. Any
  change to a migration changes it.
- ``manage.py migrate`` (``lms/management/commands/migrate.py``) loads the snapshot only into an empty SQLite database
  and only when the key matches; otherwise, and on PostgreSQL, the migrations run as usual. It then goes on as
  Django's own ``migrate``, which finds nothing left to apply and sends ``post_migrate``.
- ``tests/lms/test_schema_snapshot.py`` fails when the key is stale (run ``manage.py schema_snapshot``) and compares a
  really migrated database with a loaded one, table by table.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("schema_snapshot.sql")
KEY_PREFIX = "-- migrations key: "
#: ``django_migrations.applied`` is written as this in the snapshot and set to the loading time when loaded, so that
#: regenerating the snapshot changes no line unless the schema or the rows changed.
APPLIED_PLACEHOLDER = "snapshot"


def migrations_key() -> str:
    """SHA-256 of everything that decides what a fresh ``migrate`` builds."""
    import django
    import wagtail
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256()
    for value in (django.__version__, wagtail.__version__, settings.AUTH_USER_MODEL, settings.LANGUAGE_CODE,
                  repr(getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", None)), repr(list(settings.INSTALLED_APPS))):
        digest.update(value.encode() + b"\0")
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        digest.update(f"{app_label}.{name}\0".encode())
        digest.update(Path(sys.modules[migration.__module__].__file__).read_bytes())
    return digest.hexdigest()


def snapshot_key(text: str) -> str | None:
    first = text.split("\n", 1)[0]
    return first[len(KEY_PREFIX):].strip() if first.startswith(KEY_PREFIX) else None


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, bytes):
        return "X'" + value.hex() + "'"
    return "'" + str(value).replace("'", "''") + "'"


def dump(raw, key: str) -> str:
    """The SQL that rebuilds the database behind the DB-API connection ``raw`` (sqlite3): its tables, virtual tables
    (their shadow tables are rebuilt by SQLite), indexes and triggers in creation order, then every row."""
    kinds = {name: kind for _schema, name, kind, *_ in raw.execute("PRAGMA main.table_list")}
    objects = raw.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    ).fetchall()
    lines = [KEY_PREFIX + key, "-- Written by `manage.py schema_snapshot` (lms/schema_snapshot.py); do not edit."]
    lines += [sql + ";" for kind, name, sql in objects if kinds.get(name) != "shadow"]
    for kind, name, _sql in objects:
        if kind != "table" or kinds.get(name) != "table":
            continue
        columns = [row[1] for row in raw.execute(f'PRAGMA table_info("{name}")')]
        for row in raw.execute(f'SELECT * FROM "{name}" ORDER BY rowid'):
            if name == "django_migrations":
                row = tuple(APPLIED_PLACEHOLDER if col == "applied" else v for col, v in zip(columns, row))
            lines.append(f'INSERT INTO "{name}" VALUES(' + ",".join(_literal(v) for v in row) + ");")
    if "sqlite_sequence" in kinds:  # the inserts above filled it already: the counters are set, not added
        lines.append("DELETE FROM sqlite_sequence;")
        for name, seq in raw.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name"):
            lines.append(f"INSERT INTO sqlite_sequence VALUES({_literal(name)},{seq});")
    return "\n".join(lines) + "\n"


def is_empty(connection) -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def load_if_fresh(connection) -> bool:
    """Load the snapshot into ``connection``'s database when it is SQLite, holds no table yet and the snapshot's key
    is the migrations' key. All or nothing: one transaction, foreign keys checked at its end."""
    if connection.vendor != "sqlite" or not SNAPSHOT.exists() or not is_empty(connection):
        return False
    text = SNAPSHOT.read_text(encoding="utf-8")
    if snapshot_key(text) != migrations_key():
        return False
    from django.utils import timezone

    applied = _literal(timezone.now().isoformat(sep=" "))
    connection.ensure_connection()
    raw = connection.connection
    raw.commit()
    try:
        raw.executescript(
            "BEGIN IMMEDIATE;\nPRAGMA defer_foreign_keys=ON;\n" + text
            + f"UPDATE django_migrations SET applied = {applied};\nCOMMIT;\n"
        )
    except Exception:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
    return True
