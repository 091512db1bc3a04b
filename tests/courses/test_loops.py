"""Final report and credits: the module's "Certification Flow Stage" component takes the certification result (not
typed by hand), the internship part is validated by the co-signed report (not marked done by hand), credits of other
records are validated once per reference, the transcript lists both in a bounded number of queries."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses import selectors, services
from courses.models import AssessmentComponent, ComponentMark, CreditRecord, LessonCompletion
from tests.factories import make_user

from .factories import lessons_of, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def course():
    c = make_course()
    AssessmentComponent.objects.filter(page=c, key="certification").update(
        source=AssessmentComponent.Source.CERTIFICATION)
    last = lessons_of(c)[-1]
    last.validated_by_internship = True
    last.save_revision().publish()
    return c


@pytest.fixture
def student():
    return make_user("student")


def test_the_certification_component_is_not_typed_by_hand(course, student):
    e = services.self_enrol(student, course)
    with pytest.raises(services.CourseError, match="certification result"):
        services.set_component_mark(e, "certification", "16", "twenty", make_user("flowstage_staff"))
    assert not ComponentMark.objects.exists()


def test_the_certification_result_feeds_the_component_best_result_kept(course, student):
    e = services.self_enrol(student, course)
    teacher = make_user("flowstage_staff")
    services.set_component_mark(e, "continuous", "15", "twenty", teacher)  # 75
    services.set_component_mark(e, "project", "60", "percent", teacher)
    assert services.record_certification_result(student.pk, Decimal("80")) == 1
    assert ComponentMark.objects.get(enrolment=e, component_key="certification").score == Decimal("80")
    record = CreditRecord.objects.get(user=student, course=course)
    assert record.grade == Decimal("71")  # 30 + 21 + 20
    assert services.record_certification_result(student.pk, Decimal("40")) == 0  # a worse attempt changes nothing
    assert ComponentMark.objects.get(enrolment=e, component_key="certification").score == Decimal("80")


def test_a_graded_certification_attempt_reaches_the_module(course):
    from exams import services as exam_services
    from exams.models import Attempt
    from tests.exams.helpers import all_right, entitled_school, give_profile, make_certification, sound_student

    cert = make_certification()
    student = sound_student(entitled_school("École C"))
    give_profile(student)
    services.self_enrol(student, course)
    exam_services.register(cert, student)
    attempt = exam_services.start_attempt(cert.exam, student)
    all_right(attempt)
    attempt = exam_services.submit_attempt(Attempt.objects.get(pk=attempt.pk))
    if attempt.status != Attempt.Status.GRADED:
        pytest.skip("this certification has a practical part graded later")
    assert ComponentMark.objects.get(component_key="certification").score == attempt.final_pct


def test_the_internship_part_is_not_marked_done_by_hand_but_by_the_report(course, student):
    services.self_enrol(student, course)
    part = lessons_of(course)[-1]
    with pytest.raises(services.CourseError, match="co-signed"):
        services.complete_lesson(student, part)
    assert services.validate_internship_parts(student.pk) == 1
    assert LessonCompletion.objects.filter(lesson=part).count() == 1
    assert services.validate_internship_parts(student.pk) == 0  # idempotent


def test_external_credits_once_per_reference(student):
    rec, created = services.award_credits(student.pk, reference="careers.agreement:1", title="Stage", ects="6",
                                          grade="77.5")
    again, created2 = services.award_credits(student.pk, reference="careers.agreement:1", title="Stage", ects="9",
                                             grade="90")
    assert created and not created2 and again.pk == rec.pk and again.ects == Decimal("6.0")
    with pytest.raises(services.CourseError):
        services.award_credits(student.pk, reference="x:2", title="x", ects="6", grade="120")


def test_the_transcript_shows_modules_and_internships_in_bounded_queries(course, student):
    CreditRecord.objects.create(user=student, course=course, ects=Decimal("6"), grade=Decimal("71"))
    services.award_credits(student.pk, reference="careers.agreement:1", title="Assistant Ingénieur FOH — Sonotec",
                           ects="6", grade="77.5")
    with CaptureQueriesContext(connection) as q:
        t = selectors.transcript(student)
    assert len(q) <= 2
    assert t["total"] == Decimal("12") and t["internship_total"] == Decimal("6")
    assert [r["kind"] for r in t["rows"]] == ["module", "internship"]
    assert selectors.learning_summary(student)["modules_passed"] == 1
    c = Client()
    c.force_login(student)
    page = c.get(reverse("courses:transcript"))
    assert page.status_code == 200 and "Assistant Ingénieur FOH" in page.content.decode()


def test_the_grading_page_says_why_the_marks_are_not_typed(course, student):
    services.self_enrol(student, course)
    teacher = make_user("flowstage_staff")
    c = Client()
    c.force_login(teacher)
    html = c.get(reverse("courses:course_marks", args=[course.pk])).content.decode()
    assert f'name="mark-' in html and "-certification" not in html.split("<tbody>")[1].split("</tbody>")[0].replace(
        "data-", "")
    assert "is not typed by hand" in html and "internship part" in html
