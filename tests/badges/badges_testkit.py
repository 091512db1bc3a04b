"""Helpers shared by the Django-side badges tests (imported explicitly by the test modules)."""
import copy
import fcntl
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.factories import make_user


def make_achievement(**kwargs):
    from badges.models import Achievement

    defaults = dict(
        slug="audio-engineer-flow-stage-ready", name="Audio Engineer — Flow Stage Ready",
        description="Stage sound: theory and practice.",
        criteria_narrative="Weighted score of at least 75 % (theory 60 %, practical 40 %).",
        tags=["Flow Stage Ready", "Sound"],
        alignments=[{"targetName": "Live mixing", "targetUrl": "https://academy.example.org/competences/live-mixing"}],
    )
    defaults.update(kwargs)
    slug = defaults.pop("slug")
    return Achievement.objects.get_or_create(slug=slug, defaults=defaults)[0]


def issue(user=None, achievement=None, **kwargs):
    from badges import services

    kwargs.setdefault("notify", False)
    user = user or make_user("student")
    return services.issue_credential(user, achievement or make_achievement(), **kwargs).credential


def doc_of(cred) -> dict:
    return json.loads(cred.signed_json)


def verify_doc(doc, **kwargs):
    from badges.resolver import verify

    return verify(copy.deepcopy(doc) if isinstance(doc, dict) else doc, **kwargs)


@pytest.fixture
def credential(db):
    return issue()


def passed_attempt(user=None, passed=True, final_pct="82.5"):
    """A graded attempt of a theory-only certification (built with the exams test helpers)."""
    from decimal import Decimal

    from django.utils import timezone

    from exams.models import Attempt
    from tests.exams.helpers import make_certification

    cert = make_certification(types=("single",), practical=False)
    now = timezone.now()
    return Attempt.objects.create(exam=cert.exam, user=user or make_user("student"), seed=1, deadline=now,
                                  status="graded", passed=passed, final_pct=Decimal(final_pct), graded_at=now)


@pytest.fixture(autouse=False)
def celery_eager():
    """Run Celery tasks in process even in the services run (no worker in these tests)."""
    from lms.celery import app

    saved = {k: app.conf.get(k) for k in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(**saved)


class Clock:
    """A controlled clock for the key lifecycle: ``django.utils.timezone.now`` (services, auto_now fields) returns
    ``now``, moved on by ``advance``. It starts a day ago, so that what it signs is in the past for a verifier
    that reads the real time."""

    def __init__(self, monkeypatch, start=None):
        from datetime import timedelta

        from django.utils import timezone

        self.now = (start or timezone.now() - timedelta(days=1)).replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta):
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def revoked_keys_stay_listed(monkeypatch):
    """A DID document that keeps compromised keys under assertionMethod (as this platform did before, as other
    issuers may): the verifier's own check of the ``revoked`` date is what refuses their late signatures."""
    from badges import keyrules

    monkeypatch.setattr(keyrules, "listed_for_assertion", lambda status: True)


class PathsDiffer(BaseException):
    """The fast path and the reference path of the badges verification disagree (``conftest.both_paths``). A
    BaseException: the verifier turns any Exception into an INVALID report, which must not hide it."""


NODE_SOURCES = Path(__file__).parent / "node"
NODE_CACHE = Path(__file__).resolve().parents[2] / "var" / "node_verifier"


def install_node_verifier(extra_scripts=()) -> Path:
    """Install Digital Bazaar's verifier (tests/badges/node's package-lock.json) once into var/node_verifier and copy
    its *.mjs scripts and ``extra_scripts`` (paths, e.g. bench/badges_verify_node.mjs) beside its node_modules; returns that
    directory. RuntimeError (with the reason) when node/npm is missing or ``npm ci`` fails (offline)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise RuntimeError("node/npm missing: the independent JS verification needs Node.js")
    NODE_CACHE.mkdir(parents=True, exist_ok=True)
    lock_digest = hashlib.sha256((NODE_SOURCES / "package-lock.json").read_bytes()).hexdigest()
    with open(NODE_CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # xdist workers install once
        stamp = NODE_CACHE / ".installed"
        if not stamp.exists() or stamp.read_text() != lock_digest:
            for name in ("package.json", "package-lock.json"):
                shutil.copy(NODE_SOURCES / name, NODE_CACHE / name)
            proc = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"],
                                  cwd=NODE_CACHE, capture_output=True, text=True, timeout=300)
            if proc.returncode != 0:
                raise RuntimeError(f"npm ci failed (offline?): {proc.stderr[-500:]}")
            stamp.write_text(lock_digest)
        # verify.mjs, wallet.mjs (the holder's wallet of test_badges_wallet_node), and the bench's scripts
        for script in (*NODE_SOURCES.glob("*.mjs"), *map(Path, extra_scripts)):
            shutil.copy(script, NODE_CACHE / script.name)
    return NODE_CACHE
