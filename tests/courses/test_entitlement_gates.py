"""The tier entitlements courses gates (issue 12): free student access (the students of an entitled school enrol in
a priced module without paying; the others pay its price) and curriculum integration (a school's staff assign a
module to a whole cohort only with it; the page and the refusal say why), each with and without."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from courses import services
from courses.models import CoursePage, Enrolment
from partnerships.models import Cohort, CohortMembership, Programme, SchoolMember
from tests.courses.factories import make_course, make_school
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _student_of(school):
    programme, _c = Programme.objects.get_or_create(school=school, name="Son", defaults={"domain": "sound",
                                                                                         "degree_level": 3})
    cohort, _c = Cohort.objects.get_or_create(programme=programme, graduation_year=2027)
    user = make_user("student")
    CohortMembership.objects.create(cohort=cohort, user=user)
    return user, cohort


@pytest.fixture
def priced():
    course = make_course(kind=CoursePage.Kind.CONTINUING, price=Decimal("199.00"))
    course.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def test_free_student_access_enrols_at_no_cost_and_without_it_the_price_is_paid(priced):
    free, _c = _student_of(make_school(free_access=True))
    paying, _c = _student_of(make_school(free_access=False))
    no_school = make_user("student")
    assert services.self_enrol(free, priced).price_paid == Decimal("0.00")
    assert services.self_enrol(paying, priced).price_paid == Decimal("199.00")
    assert services.self_enrol(no_school, priced).price_paid == Decimal("199.00")
    assert services.free_for(free) and not services.free_for(paying) and not services.free_for(no_school)


def test_the_course_page_says_it_is_free_and_enrols_without_the_payment_step(priced, client):
    free, _c = _student_of(make_school(name="La Fémis", free_access=True))
    client.force_login(free)
    html = client.get(priced.url).content.decode()
    assert 'data-testid="free-access"' in html and "La Fémis" in html
    from django.urls import reverse

    r = client.post(reverse("courses:enrol", args=[priced.pk]))
    assert r.status_code == 302 and Enrolment.objects.get(user=free).price_paid == Decimal("0.00")
    paying, _c = _student_of(make_school(free_access=False))
    client.force_login(paying)
    assert 'data-testid="free-access"' not in client.get(priced.url).content.decode()
    r = client.post(reverse("courses:enrol", args=[priced.pk]))
    assert r.status_code == 200 and not Enrolment.objects.filter(user=paying).exists()  # the payment confirmation


def test_curriculum_integration_gates_cohort_enrolment_with_the_reason():
    course = make_course()
    course.save_revision().publish()
    without = make_school(name="École sans intégration", curriculum=False)
    _s, cohort = _student_of(without)
    staff = make_user("school_staff")
    SchoolMember.objects.create(school=without, user=staff, role="staff")
    with pytest.raises(PermissionDenied) as exc:
        services.enrol_cohort(cohort, course, staff)
    assert "intégration dans le cursus" in str(exc.value) and "École sans intégration" in str(exc.value)
    assert not Enrolment.objects.exists()
    flow_stage = make_user("flowstage_staff")
    assert services.enrol_cohort(cohort, course, flow_stage) == {"enrolled": 1, "skipped": 0}
    entitled = make_school(curriculum=True)
    _s, cohort2 = _student_of(entitled)
    staff2 = make_user("school_staff")
    SchoolMember.objects.create(school=entitled, user=staff2, role="staff")
    assert services.enrol_cohort(cohort2, course, staff2) == {"enrolled": 1, "skipped": 0}


def test_the_cohort_page_shows_why_and_the_post_is_a_403(client):
    course = make_course()
    course.save_revision().publish()
    without = make_school(name="École sans intégration", curriculum=False)
    _s, cohort = _student_of(without)
    staff = make_user("school_staff")
    SchoolMember.objects.create(school=without, user=staff, role="staff")
    client.force_login(staff)
    page = client.get("/learning/cohorts/enrol/")
    assert page.status_code == 200 and 'data-testid="curriculum-refusal"' in page.content.decode()
    assert "intégration dans le cursus" in page.content.decode()
    r = client.post("/learning/cohorts/enrol/", {"cohort": cohort.pk, "course": course.pk})
    assert r.status_code == 403 and not Enrolment.objects.exists()
