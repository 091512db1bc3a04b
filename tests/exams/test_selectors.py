"""Contract selectors and bounded queries (examiner queue, results)."""
from decimal import Decimal

import pytest
from django.urls import reverse

from exams import selectors, services
from tests.exams import helpers as h
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _graded(cert, examiner, picks=(3, 3, 3)):
    user = h.registered_student(cert)
    a = services.start_attempt(cert.exam, user)
    h.all_right(a)
    services.submit_attempt(a)
    crit = list(cert.exam.rubric.criteria.order_by("position"))
    levels = {str(c.pk): str(c.levels.order_by("position")[i].pk) for c, i in zip(crit, picks)}
    services.score_practical(a, examiner, levels, sign_off=True)
    a.refresh_from_db()
    return user, a


def _awaiting(cert):
    user = h.registered_student(cert)
    a = services.start_attempt(cert.exam, user)
    services.submit_attempt(a)
    return a


def test_contracts(django_assert_max_num_queries):
    cert = h.make_certification(types=("single", "truefalse"))
    staff = make_user("flowstage_staff")
    passer, passed = _graded(cert, staff)
    failer, failed = _graded(cert, staff, picks=(0, 0, 0))
    waiting = _awaiting(cert)
    registered_only = h.registered_student(cert)
    with django_assert_max_num_queries(2):
        summary = selectors.certification_summary(passer)
    assert summary["attempts"] == 1 and summary["best_score"] == Decimal(100)
    assert summary["certifications_passed"][0]["certification"] == "Audio Engineer — Flow Stage Ready"
    assert summary["certifications_passed"][0]["score"] == Decimal(100)
    ids = [passer.pk, failer.pk, waiting.user_id, registered_only.pk]
    with django_assert_max_num_queries(4):
        results = selectors.results_by_user(ids)
    assert results[passer.pk][0]["status"] == "passed" and results[passer.pk][0]["passed"]
    assert results[failer.pk][0]["status"] == "failed" and results[failer.pk][0]["best_score"] == Decimal(60)
    assert results[waiting.user_id][0]["status"] == "awaiting_grading"
    assert results[registered_only.pk][0]["status"] == "not_started"
    assert results[registered_only.pk][0]["attempts"] == 0
    assert set(results[passer.pk][0]) == {"exam_id", "exam_title", "certification", "attempts", "best_score",
                                          "passed", "status", "last_attempt_at"}
    year = passed.graded_at.year
    with django_assert_max_num_queries(1):
        assert selectors.certifications_passed_by_year() == {year: 1}
    with django_assert_max_num_queries(1):
        assert sum(selectors.certification_registrations_by_year().values()) == 4


def test_results_by_user_query_count_is_bounded(django_assert_max_num_queries):
    cert = h.make_certification(types=("single",))
    users = [_awaiting(cert).user_id for _ in range(6)]
    with django_assert_max_num_queries(4):
        out = selectors.results_by_user(users)
    assert len(out) == 6


def test_examiner_queue_bounded_queries(client, django_assert_max_num_queries):
    cert = h.make_certification(types=("single",))
    staff = make_user("flowstage_staff")
    for _ in range(3):
        _awaiting(cert)
    client.force_login(staff)
    client.get(reverse("exams:examiner_queue"))  # warm session/role caches
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("exams:examiner_queue"))
    few = len(small.captured_queries)  # now: the query log is a bounded deque that the set-up below rotates
    assert few > 0
    for _ in range(7):
        _awaiting(cert)
    client.get(reverse("exams:examiner_queue"))  # new students joined groups: role caches were invalidated
    with django_assert_max_num_queries(few):
        page = client.get(reverse("exams:examiner_queue"))
    assert page.content.decode().count("/exams/examiner/attempts/") == 10


def test_certifications_page_bounded(client, django_assert_max_num_queries):
    cert = h.make_certification(types=("single",))
    user = h.registered_student(cert)
    client.force_login(user)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("exams:certifications")).status_code == 200
