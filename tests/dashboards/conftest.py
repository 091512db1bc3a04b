"""Dashboard fixtures: the partnerships fixtures (schools, tiers, cohorts) plus fake cross-app selectors."""
import pytest

from tests.partnerships.conftest import *  # noqa: F401,F403 - the same schools, tiers and cohorts


@pytest.fixture
def fake_selectors(monkeypatch):
    """Replace the cross-app selectors with deterministic fakes (no queries)."""
    from datetime import timedelta
    from decimal import Decimal as D

    from django.utils import timezone

    from lms.dashboards import selectors as dash

    now = timezone.now()

    def progress_by_user(ids):
        return {uid: [{"course_id": 1, "course_title": "Industrie musicale 4.0", "progress_pct": D(uid * 7 % 101),
                       "grade_pct": D(50 + uid % 40), "passed": uid % 5 != 0,
                       "components": {"Contrôle continu": D(60), "Projet pratique": D(70), "Certification": None},
                       "last_activity": now - timedelta(days=uid % 20)}] for uid in ids}

    def results_by_user(ids):
        return {uid: [{"exam_id": 1, "exam_title": "Audio Engineer", "certification": "Audio Engineer — Flow Stage Ready",
                       "attempts": 1, "best_score": D(60 + uid % 30), "passed": uid % 3 == 0,
                       "status": "passed" if uid % 3 == 0 else "failed", "last_attempt_at": now}] for uid in ids if uid % 2}

    def credentials_by_user(ids):
        return {uid: [{"id": 1, "name": "Flow Stage Ready", "status": "valid"}] for uid in ids if uid % 3 == 0 and uid % 2}

    monkeypatch.setattr(dash.courses_selectors, "progress_by_user", progress_by_user)
    monkeypatch.setattr(dash.exams_selectors, "results_by_user", results_by_user)
    monkeypatch.setattr(dash.badges_selectors, "credentials_by_user", credentials_by_user)
    return {"progress_by_user": progress_by_user, "results_by_user": results_by_user,
            "credentials_by_user": credentials_by_user}


def add_students(cohort, n, prefix="s"):
    from lms.accounts.models import User
    from partnerships.models import CohortMembership

    users = User.objects.bulk_create([User(email=f"{prefix}{cohort.pk}-{i}@example.test", first_name="S", last_name=f"N{i:05d}")
                                      for i in range(n)])
    users = list(User.objects.filter(email__startswith=f"{prefix}{cohort.pk}-"))
    CohortMembership.objects.bulk_create([CohortMembership(cohort=cohort, user=u) for u in users])
    return users

