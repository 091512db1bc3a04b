"""The monthly job-readiness snapshot goes through Redis to a real Celery worker (services mode)."""
import datetime

import pytest
from celery.result import allow_join_result

from lms.accounts import services
from lms.accounts.models import ReadinessSnapshot
from tests.factories import make_user

pytestmark = [pytest.mark.services]


def test_snapshot_task_runs_in_the_worker(transactional_db, celery_worker_process):
    from lms.tasks import snapshot_job_readiness

    student = make_user("student")
    profile = services.get_or_create_profile(student)
    services.set_skill_level(profile, "Mixage façade", 4)
    services.set_skill_level(profile, "Pro Tools", 4, software=True)
    make_user("teacher")

    result = snapshot_job_readiness.apply_async(kwargs={"month": "2026-04-17"})
    # Celery's "a task is running here, never wait on a result" flag is one per process, set and restored around
    # every eager task: two threads running eager tasks at once (an earlier browser test's live server beside its
    # test) can leave it set, and .get() then refuses (seen once in CI). This test is no task: it may wait.
    with allow_join_result():
        assert result.get(timeout=60) == 1
    snap = ReadinessSnapshot.objects.get(user=student)
    assert snap.month == datetime.date(2026, 4, 1)
    assert snap.score > 0
    assert snap.components["skills"]["weight"] == "15"
