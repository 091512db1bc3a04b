"""`manage.py check --deploy` is silent in production mode (DESIGN §3)."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_check_deploy_is_silent_in_production(tmp_path):
    # A clean production environment: no services, and none of the test-only switches (the browser
    # fixture sets DJANGO_ALLOW_ASYNC_UNSAFE in this process, which check --deploy rightly flags).
    dropped = ("DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "lms.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "BADGES_KEY_ENCRYPTION_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "academy.example.org",
        "LMS_VAR_DIR": str(tmp_path),
    })
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output
    assert "System check identified no issues" in output, output


def test_production_refuses_to_start_without_secrets(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env.update({"DJANGO_ENV": "production", "DJANGO_SETTINGS_MODULE": "lms.settings", "LMS_VAR_DIR": str(tmp_path)})
    proc = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "SECRET_KEY must be set" in proc.stderr
