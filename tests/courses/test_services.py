"""Learning use-cases and bad input: clear errors, nothing half-saved."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from courses import selectors, services
from courses.models import (
    ComponentMark,
    CoursePage,
    CreditRecord,
    Enrolment,
    LessonCompletion,
    LessonPage,
    Submission,
    UnitPage,
)
from lms import scoring
from partnerships.models import Cohort, CohortMembership, Programme, SchoolMember
from tests.factories import make_user

from .factories import lessons_of, make_course, make_school

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def course():
    return make_course(n_units=2, lessons_per_unit=2)


def test_lesson_hours_must_be_positive(course):
    unit = UnitPage.objects.child_of(course).first()
    bad = LessonPage(title="Négative", slug="neg", hours=Decimal("-2"))
    with pytest.raises(ValidationError) as exc:
        bad.full_clean(exclude=["path", "depth"])
    assert "hours" in exc.value.message_dict
    with pytest.raises(ValidationError):
        unit.add_child(instance=LessonPage(title="Négative", slug="neg", hours=Decimal("-2")))
    assert not LessonPage.objects.filter(slug="neg").exists()
    lesson = LessonPage.objects.descendant_of(course).first()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the invariant too
        LessonPage.objects.filter(pk=lesson.pk).update(hours=Decimal("-1"))


def test_unit_hours_are_the_sum_of_its_lessons(course):
    unit = UnitPage.objects.child_of(course).first()
    assert unit.hours == Decimal("4")
    outline = selectors.course_outline(course)
    assert [u.hours for u in outline.units] == [Decimal("4"), Decimal("4")]
    assert outline.hours == Decimal("8")


def test_scheme_weights_must_sum_to_100():
    with pytest.raises(services.CourseError, match="sum to 100"):
        services.validate_scheme_rows([("a", "A", "40"), ("b", "B", "35"), ("c", "C", "20")], "50")
    scheme = services.validate_scheme_rows([("a", "A", "40"), ("b", "B", "35"), ("c", "C", "25")], "50")
    assert scheme.pass_mark == Decimal("50")


def test_self_enrol_twice_is_refused(course, student):
    services.self_enrol(student, course)
    with pytest.raises(services.CourseError, match="already enrolled"):
        services.self_enrol(student, course)
    assert Enrolment.objects.filter(user=student).count() == 1


def test_self_enrol_records_the_price_of_paid_courses(student):
    paid = make_course(kind=CoursePage.Kind.CONTINUING, price=Decimal("199.00"), scheme=False)
    e = services.self_enrol(student, paid)
    assert e.price_paid == Decimal("199.00")
    year = e.enrolled_at.year
    assert selectors.paid_enrolments_by_year() == {year: {"count": 1, "revenue": Decimal("199.00")}}


def test_closed_course_refuses_self_enrolment(student):
    closed = make_course(open_enrolment=False)
    with pytest.raises(services.CourseError, match="not open"):
        services.self_enrol(student, closed)
    assert not Enrolment.objects.exists()


def test_complete_lesson_requires_enrolment(course, student):
    lesson = lessons_of(course)[0]
    with pytest.raises(services.CourseError, match="not enrolled"):
        services.complete_lesson(student, lesson)
    assert not LessonCompletion.objects.exists()


def test_progress_is_weighted_by_hours_and_resume_points_to_last_lesson(student):
    course = make_course(n_units=1, lessons_per_unit=0)
    unit = UnitPage.objects.child_of(course).first()
    short = unit.add_child(instance=LessonPage(title="Court", slug="court", hours=Decimal("1")))
    long = unit.add_child(instance=LessonPage(title="Long", slug="long", hours=Decimal("3")))
    e = services.self_enrol(student, course)
    services.complete_lesson(student, long)
    services.complete_lesson(student, long)  # idempotent
    state = selectors.learner_state(student, selectors.course_info(course))
    assert state.enrolment_id == e.pk and state.last_lesson_id == long.pk
    outline = selectors.course_outline(course, state.done_keys)
    assert outline.progress == Decimal("75")
    assert outline.units[0].progress == Decimal("75")
    e.refresh_from_db()
    assert e.last_lesson_id == long.pk and e.completed_at is None
    services.complete_lesson(student, short)
    e.refresh_from_db()
    assert e.completed_at is not None
    assert selectors.learning_summary(student)["hours_completed"] == Decimal("4")


def _png(size=10, name="rendu.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf")


def test_submission_file_too_large_or_forbidden_type(course, student):
    services.self_enrol(student, course)
    lesson = lessons_of(course)[0]
    block_id = next(iter(services.assignment_blocks(lesson)))
    big = _png()
    big.size = 200 * 1024 * 1024
    with pytest.raises(services.CourseError, match="too large"):
        services.submit_assignment(student, lesson, block_id, file=big)
    with pytest.raises(services.CourseError, match="not accepted"):
        services.submit_assignment(student, lesson, block_id, file=_png(name="virus.exe"))
    with pytest.raises(services.CourseError, match="does not exist"):
        services.submit_assignment(student, lesson, "nope", url="https://example.org")
    with pytest.raises(services.CourseError, match="Attach a file"):
        services.submit_assignment(student, lesson, block_id)
    assert not Submission.objects.exists()
    sub = services.submit_assignment(student, lesson, block_id, file=_png())
    assert sub.file.name.endswith(".pdf")


def test_submission_requires_enrolment(course, student):
    lesson = lessons_of(course)[0]
    block_id = next(iter(services.assignment_blocks(lesson)))
    with pytest.raises(services.CourseError, match="not enrolled"):
        services.submit_assignment(student, lesson, block_id, url="https://example.org/x")


@pytest.fixture
def fs_teacher():
    return make_user("flowstage_staff")


def test_mark_out_of_range_is_refused_and_nothing_saved(course, student, fs_teacher):
    e = services.self_enrol(student, course)
    with pytest.raises(services.CourseError, match="between 0 and 20|entre 0 et 20"):
        services.set_component_mark(e, "continuous", "25", "twenty", fs_teacher)
    with pytest.raises(services.CourseError, match="Unknown assessment component"):
        services.set_component_mark(e, "oral", "12", "twenty", fs_teacher)
    with pytest.raises(services.CourseError):
        services.set_component_mark(e, "continuous", "abc", "percent", fs_teacher)
    assert not ComponentMark.objects.exists()


def test_weighted_grade_records_and_withdraws_credits(course, student, fs_teacher):
    e = services.self_enrol(student, course)
    services.set_component_mark(e, "continuous", "15", "twenty", fs_teacher)  # 75 %
    services.set_component_mark(e, "project", "60", "percent", fs_teacher)
    assert not CreditRecord.objects.exists()  # incomplete: not passed yet
    result = services.set_component_mark(e, "certification", "16", "twenty", fs_teacher)  # 80 %
    # 75*0.40 + 60*0.35 + 80*0.25 = 30 + 21 + 20 = 71
    assert result.total == Decimal("71") and result.passed
    record = CreditRecord.objects.get(user=student)
    assert record.ects == Decimal("6") and record.grade == Decimal("71")
    assert selectors.learning_summary(student)["ects_earned"] == Decimal("6")
    services.set_component_mark(e, "continuous", "0", "twenty", fs_teacher)  # 0+21+20 = 41 < 50
    assert not CreditRecord.objects.exists()
    hist = list(ComponentMark.history.filter(component_key="continuous").order_by("history_date"))
    assert [h.score for h in hist] == [Decimal("75"), Decimal("0")]


def test_marks_require_a_teacher_of_the_course(course, student):
    e = services.self_enrol(student, course)
    outsider = make_user("teacher")
    with pytest.raises(PermissionDenied):
        services.set_component_mark(e, "continuous", "12", "twenty", outsider)
    school = make_school()
    course.schools.add(school)
    course.save()
    services.add_teacher(school, outsider)
    services.set_component_mark(e, "continuous", "12", "twenty", outsider)
    assert ComponentMark.objects.get().score == Decimal("60")


def test_enrol_cohort_by_school_staff(course):
    school = make_school()
    programme = Programme.objects.create(school=school, name="Ingénieur Son", domain="sound", degree_level=3)
    cohort = Cohort.objects.create(programme=programme, graduation_year=2027)
    students = [make_user("student") for _ in range(3)]
    for s in students:
        CohortMembership.objects.create(cohort=cohort, user=s)
    services.self_enrol(students[0], course)
    stranger = make_user("school_staff")
    with pytest.raises(PermissionDenied):
        services.enrol_cohort(cohort, course, stranger)
    staff = make_user("school_staff")
    SchoolMember.objects.create(school=school, user=staff, role="staff")
    assert services.enrol_cohort(cohort, course, staff) == {"enrolled": 2, "skipped": 1}
    assert services.enrol_cohort(cohort, course, staff) == {"enrolled": 0, "skipped": 3}
    assert Enrolment.objects.filter(course=course, source="cohort").count() == 2
    assert school.pk in selectors.schools_running_modules()


def test_scoring_engine_is_used_for_course_scheme(course):
    scheme = course.scheme()
    assert [c.weight for c in scheme.components] == [Decimal("40"), Decimal("35"), Decimal("25")]
    assert scoring.score(scheme, {"continuous": 100, "project": 100, "certification": 100}).total == 100
