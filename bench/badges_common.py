"""Shared set-up of the badges benchmarks (not a benchmark itself): a PostgreSQL database
flowstage_bench_badges on 127.0.0.1:5432 (user postgres; created and migrated if missing)."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "badges"))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/flowstage_bench_badges")
DB_NAME = DB_URL.rsplit("/", 1)[1]  # created if missing (BENCH_DATABASE_URL: another database on the same server)
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "*")


def ensure_database():
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def setup_django():
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def achievement():
    from badges.models import Achievement

    return Achievement.objects.get_or_create(slug="bench-audio", defaults={
        "name": "Audio Engineer — Flow Stage Ready", "description": "Bench achievement",
        "criteria_narrative": "Weighted score of at least 75 %.", "tags": ["Bench"]})[0]
