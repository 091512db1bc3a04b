"""Contract selectors: shapes and bounded queries."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import selectors, services
from tests.factories import make_user

from .factories import lessons_of, make_course

pytestmark = pytest.mark.django_db


def _queries(fn, *args):
    with CaptureQueriesContext(connection) as ctx:
        result = fn(*args)
    return result, len(ctx.captured_queries)


def _students_with_progress(n, course, staff):
    users = []
    for _ in range(n):
        u = make_user("student")
        e = services.self_enrol(u, course)
        services.complete_lesson(u, lessons_of(course)[0])
        services.set_component_mark(e, "continuous", "12", "twenty", staff)
        users.append(u)
    return users


def test_contract_selectors_shapes_and_bounded_queries():
    staff = make_user("flowstage_staff")
    course = make_course(n_units=2, lessons_per_unit=2)
    other = make_course(n_units=1, lessons_per_unit=3, scheme=False)
    few = _students_with_progress(1, course, staff)
    many = _students_with_progress(6, course, staff)
    for u in many:
        services.self_enrol(u, other)

    res1, q1 = _queries(selectors.progress_by_user, [u.pk for u in few])
    res6, q6 = _queries(selectors.progress_by_user, [u.pk for u in many])
    assert q1 == q6
    row = res1[few[0].pk][0]
    assert set(row) == {"course_id", "course_title", "progress_pct", "hours_done", "hours_total", "grade_pct",
                        "passed", "components", "last_activity"}
    assert row["progress_pct"] == Decimal("25") and row["hours_done"] * 4 == row["hours_total"]
    assert row["grade_pct"] is None and row["passed"] is None  # incomplete scheme: no grade yet
    assert row["components"]["Contrôle continu"] == Decimal("60")
    assert row["last_activity"] is not None
    assert len(res6[many[0].pk]) == 2

    # a queryset of user ids is used as a subquery: same figures, same number of queries
    from lms.accounts.models import User

    res_qs, q_qs = _queries(selectors.progress_by_user,
                            User.objects.filter(pk__in=[u.pk for u in many]).values_list("pk", flat=True))
    assert q_qs == q6 and res_qs == {u.pk: res6[u.pk] for u in many}
    assert _queries(selectors.progress_by_user, [])[0] == {}

    s, _q = _queries(selectors.learning_summary, many[0])
    assert s == {"courses_enrolled": 2, "courses_completed": 0, "ects_earned": Decimal("0"), "internship_ects": Decimal("0"), "modules_passed": 0,
                 "hours_completed": Decimal("2")}
    _s, qs1 = _queries(selectors.learning_summary, few[0])
    _s, qs6 = _queries(selectors.learning_summary, many[0])
    assert qs1 == qs6

    assert isinstance(selectors.schools_running_modules(), set)
    assert selectors.paid_enrolments_by_year() == {}


def test_api_catalogue_enrol_and_progress(client, api_token):
    from partnerships.models import Cohort, CohortMembership, Programme, SchoolMember

    from .factories import make_school

    course = make_course(n_units=1, lessons_per_unit=2)
    r = client.get("/api/v1/courses/?lang=en")
    assert r.status_code == 200 and [c["code"] for c in r.json()] == [course.code]
    student = make_user("student")
    h = api_token(student)
    r = client.post(f"/api/v1/courses/{course.pk}/enrol", **h)
    assert r.status_code == 201
    r = client.post(f"/api/v1/courses/{course.pk}/enrol", **h)
    assert r.status_code == 409
    services.complete_lesson(student, lessons_of(course)[0])
    r = client.get("/api/v1/courses/mine", **h)
    assert r.json()[0]["progress_pct"] in ("50.00", 50, "50", 50.0)
    school = make_school()
    cohort = Cohort.objects.create(programme=Programme.objects.create(school=school, name="Son", domain="sound",
                                                                      degree_level=3), graduation_year=2027)
    CohortMembership.objects.create(cohort=cohort, user=student)
    assert client.get(f"/api/v1/courses/cohorts/{cohort.pk}/progress", **h).status_code == 403
    staff = make_user("school_staff")
    SchoolMember.objects.create(school=school, user=staff, role="staff")
    r = client.get(f"/api/v1/courses/cohorts/{cohort.pk}/progress", **api_token(staff))
    assert r.status_code == 200 and len(r.json()[str(student.pk)]) == 1
