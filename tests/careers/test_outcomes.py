"""Outcomes: recording (student, own school's staff, never another school's), the six-month survey (idempotent
daily run, one reminder, one-click link: answered twice → 409, expired → 410), the satisfaction question."""
import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from careers import outcome_services as svc
from careers import tasks
from careers.models import Outcome, OutcomeSurvey, SatisfactionAnswer
from careers.services import CareersError
from partnerships.models import Cohort, CohortMembership, Programme
from tests.careers import kit
from tests.factories import make_user

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world():
    a, b = kit.school(name="Ecole A"), kit.school(name="Ecole B")
    return {"a": a, "b": b, "student": kit.student(a, fits=False), "other": kit.student(b, fits=False),
            "staff": kit.staff_of(a), "other_staff": kit.staff_of(b)}


def test_student_records_their_own_outcome(world):
    o = svc.record_outcome(world["student"], by=world["student"], stage="graduation", status="cdi",
                           started_on=D(2026, 9, 1), employer_name="Sonotec Live", today=kit.TODAY)
    assert (o.source, o.school, o.cohort.graduation_year) == ("student", world["a"], 2027)
    assert o.history.count() == 1


def test_staff_records_for_their_school_but_not_another(world):
    o = svc.record_outcome(world["student"], by=world["staff"], stage="placement", status="cdd",
                           started_on=D(2026, 9, 1), employer_name="X", today=kit.TODAY)
    assert o.source == "staff" and o.recorded_by == world["staff"]
    with pytest.raises(CareersError) as exc:
        svc.record_outcome(world["other"], by=world["staff"], stage="placement", status="cdd",
                           started_on=D(2026, 9, 1), employer_name="X", today=kit.TODAY)
    assert exc.value.status == 404
    with pytest.raises(CareersError) as exc:
        svc.students_of(world["staff"], world["other"].pk)
    assert exc.value.status == 404
    assert not Outcome.objects.filter(student=world["other"]).exists()


@pytest.mark.parametrize("kw,status", [
    ({"status": "hired"}, 422), ({"stage": "later"}, 422), ({"status": "cdi", "employer_name": ""}, 422),
    ({"started_on": D(2027, 12, 1)}, 422), ({"started_on": D(1900, 1, 1)}, 422),
])
def test_bad_outcomes_are_refused(world, kw, status):
    args = {"stage": "graduation", "status": "cdi", "started_on": D(2026, 9, 1), "employer_name": "X", **kw}
    with pytest.raises(CareersError) as exc:
        svc.record_outcome(world["student"], by=world["student"], today=kit.TODAY, **args)
    assert exc.value.status == status
    assert not Outcome.objects.exists()


def test_student_without_school_is_refused():
    lone = make_user("student")
    with pytest.raises(CareersError) as exc:
        svc.record_outcome(lone, by=lone, stage="graduation", status="searching", started_on=D(2026, 9, 1))
    assert exc.value.status == 422


# --- the six-month survey -----------------------------------------------------------------------------------------

@pytest.fixture
def graduates(world):
    prog = Programme.objects.create(school=world["a"], name="BTS son", domain="sound", degree_level=2)
    cohort = Cohort.objects.create(programme=prog, graduation_year=2026, graduation_date=D(2026, 5, 31), label="BTS")
    people = [make_user("student", preferred_language=lang) for lang in ("fr", "en")]
    for u in people:
        CohortMembership.objects.create(cohort=cohort, user=u)
    return cohort, people


_real_localdate = timezone.localdate


def _run(day):
    """The daily task as if run on ``day`` (today's date is ``day``; dates of stored times stay real)."""
    def localdate(value=None, *args, **kwargs):
        return day if value is None else _real_localdate(value, *args, **kwargs)

    with mock.patch("django.utils.timezone.localdate", side_effect=localdate):
        return tasks.send_outcome_surveys()


def test_survey_sent_once_in_each_language_then_reminded_once(graduates):
    cohort, (fr, en) = graduates
    assert _run(D(2026, 11, 29))["sent"] == 0  # not yet six months
    assert len(mail.outbox) == 0
    r = _run(D(2026, 11, 30))
    assert (r["sent"], r["emails"]) == (2, 2)
    by = {m.to[0]: m for m in mail.outbox}
    assert "Six mois" in by[fr.email].subject or "six mois" in by[fr.email].subject.lower()
    assert "Six months" in by[en.email].subject
    assert "/en/careers/outcomes/survey/" in by[en.email].body
    assert "/careers/outcomes/survey/" in by[fr.email].body and "/en/" not in by[fr.email].body
    assert _run(D(2026, 11, 30)) == {"sent": 0, "reminded": 0, "emails": 0}  # idempotent
    assert _run(D(2026, 12, 5))["emails"] == 0
    assert len(mail.outbox) == 2
    OutcomeSurvey.objects.update(sent_at=timezone.now() - datetime.timedelta(days=13))
    assert _run(_real_localdate())["reminded"] == 0  # 13 days: not yet
    OutcomeSurvey.objects.update(sent_at=timezone.now() - datetime.timedelta(days=14))
    r = _run(_real_localdate())
    assert r["reminded"] == 2 and len(mail.outbox) == 4
    assert "Rappel" in by[fr.email].subject or any("Rappel" in m.subject for m in mail.outbox[2:])
    assert _run(_real_localdate())["emails"] == 0  # one reminder only
    assert OutcomeSurvey.objects.count() == 2


def test_a_graduate_with_an_outcome_is_not_asked(graduates):
    cohort, (fr, en) = graduates
    svc.record_outcome(fr, by=fr, stage="graduation", status="cdi", started_on=D(2026, 7, 1), employer_name="X",
                       today=D(2026, 11, 30))
    assert _run(D(2026, 11, 30))["sent"] == 1
    assert [m.to for m in mail.outbox] == [[en.email]]


def _token(graduates):
    _run(D(2026, 11, 30))
    survey = OutcomeSurvey.objects.get(student=graduates[1][0])
    return survey, svc.survey_token(survey)


def test_survey_link_answer_then_409(client, graduates):
    survey, token = _token(graduates)
    url = reverse("careers:outcome_survey", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="choice-cdi"' in page.content
    r = client.post(url, {"status": "freelance", "employer_name": "Intermittent", "started_on": ""})
    assert r.status_code == 200
    o = Outcome.objects.get(student=survey.student)
    assert (o.status, o.source, o.stage) == ("freelance", "survey", "graduation")
    survey.refresh_from_db()
    assert survey.answered_at is not None and survey.outcome == o
    assert client.post(url, {"status": "cdi", "employer_name": "Autre"}).status_code == 409
    assert client.get(url).status_code == 409
    assert Outcome.objects.filter(student=survey.student).count() == 1


def test_survey_link_expired_410_and_forged_404(client, graduates):
    survey, token = _token(graduates)
    OutcomeSurvey.objects.filter(pk=survey.pk).update(sent_at=timezone.now() - datetime.timedelta(days=61))
    url = reverse("careers:outcome_survey", args=[token])
    assert client.get(url).status_code == 410
    assert client.post(url, {"status": "cdi", "employer_name": "X"}).status_code == 410
    assert client.get(reverse("careers:outcome_survey", args=[token[:-2] + "xx"])).status_code == 404
    assert not Outcome.objects.exists()


def test_survey_bad_choice_is_422(client, graduates):
    survey, token = _token(graduates)
    assert client.post(reverse("careers:outcome_survey", args=[token]), {"status": "rich"}).status_code == 422


# --- pages ----------------------------------------------------------------------------------------------------------

def test_my_outcomes_page_records(client, world):
    client.force_login(world["student"])
    assert client.get(reverse("careers:my_outcomes")).status_code == 200
    r = client.post(reverse("careers:my_outcomes"), {"stage": "graduation", "status": "study",
                                                     "employer_name": "CNSMD", "started_on": "2026-09-01"})
    assert r.status_code == 302
    assert Outcome.objects.get(student=world["student"]).status == "study"
    r = client.post(reverse("careers:my_outcomes"), {"stage": "graduation", "status": "cdi", "employer_name": "",
                                                     "started_on": "2026-09-01"})
    assert r.status_code == 422


def test_school_outcomes_page_and_cross_school_attack(client, world):
    client.force_login(world["staff"])
    url = reverse("careers:school_outcomes", args=[world["a"].slug])
    assert client.get(url).status_code == 200
    data = {"stage": "graduation", "status": "cdi", "employer_name": "Sonotec", "started_on": "2026-09-01"}
    assert client.post(url, {**data, "student": world["student"].pk}).status_code == 302
    # school B's student through school A's page, and school B's page: refused, nothing written
    assert client.post(url, {**data, "student": world["other"].pk}).status_code == 404
    other_url = reverse("careers:school_outcomes", args=[world["b"].slug])
    assert client.get(other_url).status_code == 403
    assert client.post(other_url, {**data, "student": world["other"].pk}).status_code == 403
    assert not Outcome.objects.filter(student=world["other"]).exists()
    page = client.get(url)
    assert world["other"].email.encode() not in page.content


# --- satisfaction --------------------------------------------------------------------------------------------------

def test_rate_a_completed_module_once(client, world):
    from courses import services as course_services
    from courses.models import Enrolment
    from tests.courses.factories import make_course

    course = make_course()
    course_services.self_enrol(world["student"], course)
    client.force_login(world["student"])
    r = client.post(reverse("careers:rate"), {"course": course.pk, "score": "9"})
    assert r.status_code == 403  # not completed
    Enrolment.objects.filter(user=world["student"], course=course).update(completed_at=timezone.now())
    assert course in svc.pending_satisfaction(world["student"])["courses"]
    assert client.post(reverse("careers:rate"), {"course": course.pk, "score": "11"}).status_code == 422
    assert client.post(reverse("careers:rate"), {"course": course.pk, "score": "9"}).status_code == 302
    assert client.post(reverse("careers:rate"), {"course": course.pk, "score": "3"}).status_code == 409
    assert list(SatisfactionAnswer.objects.values_list("score", "subject")) == [(9, "module")]
    assert svc.pending_satisfaction(world["student"])["courses"] == []
