"""The satisfaction question (issue 12, §7 "an NPS question at the end of each course module and internship"): asked
once when a module is completed or passed and when an internship's final report is co-signed, e-mailed in the
student's language, answered once (409 after), refused for a module or internship that is not the student's, and
counted by source on the KPI page."""
import pytest
from django.core import mail
from django.urls import reverse

from careers import outcome_services as svc
from careers import reports
from careers.models import SatisfactionAnswer, SatisfactionQuestion
from courses import services as course_services
from tests.careers import kit
from tests.careers.test_reports import _cosign, world  # noqa: F401 - the final report's world fixture
from tests.courses.factories import lessons_of, make_course

pytestmark = pytest.mark.django_db


def _questions(student):
    return list(SatisfactionQuestion.objects.filter(student=student).values_list("subject", "language"))


# --- internships -------------------------------------------------------------------------------------------------

def test_co_signing_the_report_asks_once_in_the_students_language(world, django_capture_on_commit_callbacks):  # noqa: F811
    student = world["student"]
    student.preferred_language = "en"
    student.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        _cosign(world)
    assert _questions(student) == [("internship", "en")]
    asked = [m for m in mail.outbox if m.to == [student.email] and "recommend" in m.subject]
    assert len(asked) == 1 and "Assistant Ingénieur FOH" in asked[0].subject
    assert "/careers/outcomes/#satisfaction" in asked[0].body and "0 (not at all) to 10" in asked[0].body
    # a correction, co-signed again, does not ask a second time
    with django_capture_on_commit_callbacks(execute=True):
        reports.correct_report(world["agreement"], by=world["referent"], reason="Note corrigée.")
        _cosign(world)
    assert len(_questions(student)) == 1
    assert len([m for m in mail.outbox if m.to == [student.email] and "recommend" in m.subject]) == 1


def test_the_question_is_in_french_by_default(world, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        _cosign(world)
    asked = [m for m in mail.outbox if m.to == [world["student"].email] and "recommanderiez" in m.subject.lower()]
    assert len(asked) == 1 and _questions(world["student"]) == [("internship", "fr")]


def test_rating_an_internship_needs_the_cosigned_report_once_and_only_ones_own(world, client):  # noqa: F811
    a = world["agreement"]
    client.force_login(world["student"])
    r = client.post(reverse("careers:rate"), {"agreement": a.pk, "score": "9"})
    assert r.status_code == 403 and not SatisfactionAnswer.objects.exists()  # the report is not co-signed yet
    _cosign(world)
    page = client.get(reverse("careers:report", args=[a.pk]))
    assert 'data-testid="nps-ask"' in page.content.decode()
    assert a in svc.pending_satisfaction(world["student"])["agreements"]
    assert client.post(reverse("careers:rate"), {"agreement": a.pk, "score": "9"}).status_code == 302
    second = client.post(reverse("careers:rate"), {"agreement": a.pk, "score": "2"})
    assert second.status_code == 409
    assert list(SatisfactionAnswer.objects.values_list("subject", "score")) == [("internship", 9)]
    assert 'data-testid="nps-ask"' not in client.get(reverse("careers:report", args=[a.pk])).content.decode()
    other = kit.student(world["school"])
    client.force_login(other)
    assert client.post(reverse("careers:rate"), {"agreement": a.pk, "score": "0"}).status_code == 404
    assert SatisfactionAnswer.objects.count() == 1


# --- modules -----------------------------------------------------------------------------------------------------

def test_completing_a_module_asks_once(rates, django_capture_on_commit_callbacks):
    student = kit.student(kit.school())
    course = make_course(n_units=1, lessons_per_unit=2)
    course.save_revision().publish()
    course_services.self_enrol(student, course)
    lessons = lessons_of(course)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.complete_lesson(student, lessons[0])
    assert _questions(student) == []  # not completed yet
    with django_capture_on_commit_callbacks(execute=True):
        course_services.complete_lesson(student, lessons[1])
        course_services.complete_lesson(student, lessons[1])  # again: nothing more
    assert _questions(student) == [("module", "fr")]
    asked = [m for m in mail.outbox if m.to == [student.email] and "recommanderiez" in m.subject.lower()]
    assert len(asked) == 1 and course.title in asked[0].subject
    assert course in svc.pending_satisfaction(student)["courses"]


def test_rating_a_module_not_ones_own_is_404_and_twice_409(rates, client):
    from courses.models import Enrolment
    from django.utils import timezone

    student, stranger = kit.student(kit.school()), kit.student(kit.school())
    course = make_course(n_units=1, lessons_per_unit=1)
    course_services.self_enrol(student, course)
    Enrolment.objects.filter(user=student).update(completed_at=timezone.now())
    client.force_login(stranger)
    assert client.post(reverse("careers:rate"), {"course": course.pk, "score": "10"}).status_code == 404
    client.force_login(student)
    assert client.post(reverse("careers:rate"), {"course": course.pk, "score": "10"}).status_code == 302
    assert client.post(reverse("careers:rate"), {"course": course.pk, "score": "10"}).status_code == 409
    assert SatisfactionAnswer.objects.filter(subject="module").count() == 1


def test_the_kpi_page_counts_the_answers_by_source(world, client):  # noqa: F811
    from lms.dashboards import placement

    _cosign(world)
    svc.rate(world["student"], score=10, agreement=world["agreement"])
    from courses.models import Enrolment
    from django.utils import timezone

    course = make_course(n_units=1, lessons_per_unit=1)
    for score in (6, 9):
        s = kit.student(world["school"])
        course_services.self_enrol(s, course)
        Enrolment.objects.filter(user=s, course=course).update(completed_at=timezone.now())
        svc.rate(s, score=score, course=course)
    figures = placement.flowstage_placement()
    assert figures["nps_modules"].answers == 2 and figures["nps_internships"].answers == 1
    assert figures["nps_modules"].distribution[6] == 1 and figures["nps_internships"].distribution[10] == 1
