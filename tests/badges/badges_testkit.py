"""Helpers shared by the Django-side badges tests (imported explicitly by the test modules)."""
import copy
import json

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
