"""The schema snapshot that replaces replaying every migration on an empty SQLite database (lms/schema_snapshot.py)."""
import re
import sqlite3

import pytest
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper

from lms import schema_snapshot
from lms.management.commands.schema_snapshot import migrate_scratch_database


def test_the_snapshot_was_written_from_the_current_migrations():
    text = schema_snapshot.SNAPSHOT.read_text(encoding="utf-8")
    assert schema_snapshot.snapshot_key(text) == schema_snapshot.migrations_key(), (
        "a migration changed since lms/schema_snapshot.sql was written: run `manage.py schema_snapshot`")


@pytest.fixture
def scratch(tmp_path, db):
    """A Django connection to an empty SQLite file, with the project's connection options."""
    settings_dict = dict(connections["default"].settings_dict)
    if not settings_dict["ENGINE"].endswith("sqlite3"):
        settings_dict = {**settings_dict, "ENGINE": "django.db.backends.sqlite3", "OPTIONS": {}}
    settings_dict["NAME"] = str(tmp_path / "scratch.sqlite3")
    conn = DatabaseWrapper(settings_dict, alias="scratch")
    yield conn
    conn.close()


def tables(conn):
    with conn.cursor() as cursor:
        return set(conn.introspection.table_names(cursor))


def test_an_empty_database_is_filled_whole_with_its_foreign_keys_sound(scratch):
    assert schema_snapshot.load_if_fresh(scratch) is True
    assert {"django_migrations", "auth_permission", "wagtailcore_page", "careers_smicrate"} <= tables(scratch)
    with scratch.cursor() as cursor:
        cursor.execute("PRAGMA foreign_key_check")
        assert cursor.fetchall() == []
        cursor.execute("SELECT applied FROM django_migrations")
        assert schema_snapshot.APPLIED_PLACEHOLDER not in {row[0] for row in cursor.fetchall()}
    assert schema_snapshot.load_if_fresh(scratch) is False, "a database that holds tables is never loaded again"


def test_a_database_that_holds_any_table_is_left_to_the_migrations(scratch):
    with scratch.cursor() as cursor:
        cursor.execute("CREATE TABLE mine (id integer)")
    assert schema_snapshot.load_if_fresh(scratch) is False
    assert tables(scratch) == {"mine"}


def test_a_stale_snapshot_is_not_loaded(scratch, monkeypatch):
    monkeypatch.setattr(schema_snapshot, "migrations_key", lambda: "0" * 64)
    assert schema_snapshot.load_if_fresh(scratch) is False
    assert tables(scratch) == set()


def test_a_snapshot_that_fails_halfway_leaves_the_database_empty(scratch, monkeypatch, tmp_path):
    broken = tmp_path / "broken.sql"
    lines = schema_snapshot.SNAPSHOT.read_text(encoding="utf-8").split("\n")
    lines.insert(len(lines) // 2, "INSERT INTO no_such_table VALUES (1);")
    broken.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(schema_snapshot, "SNAPSHOT", broken)
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        schema_snapshot.load_if_fresh(scratch)
    assert tables(scratch) == set()


def normalised_dump(path):
    raw = sqlite3.connect(path)
    try:
        text = schema_snapshot.dump(raw, "key")
    finally:
        raw.close()
    return re.sub(r"'[0-9a-f]{32}'", "'<uuid>'", text)  # Wagtail's translation keys are drawn at random


@pytest.mark.slow
@pytest.mark.django_db
def test_a_loaded_database_is_the_database_the_migrations_build(tmp_path):
    """The real migrations and the snapshot, each from nothing in a process of its own: the same tables, indexes,
    triggers and rows (random UUIDs aside)."""
    if connections["default"].vendor != "sqlite":
        pytest.skip("the snapshot is SQLite's; the services run migrates PostgreSQL from the migrations")
    (tmp_path / "real").mkdir()
    migrated = migrate_scratch_database(tmp_path / "real")
    loaded = tmp_path / "loaded.sqlite3"
    conn = DatabaseWrapper({**connections["default"].settings_dict, "NAME": str(loaded)}, alias="loaded")
    try:
        assert schema_snapshot.load_if_fresh(conn)
    finally:
        conn.close()
    assert normalised_dump(loaded) == normalised_dump(migrated)
